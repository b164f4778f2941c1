package routers

import (
	"ginrest/rest"
	"ginrest/serializers"
)

// Root is DefaultRouter's APIRootView: each registered prefix with its list's absolute
// URL, in registration order — {"notes": "http://127.0.0.1:8000/api/notes/"}. Its
// authenticators and permissions are the settings' defaults, as DRF's.
type Root struct {
	rest.APIView
	entries []rootEntry
}

type rootEntry struct{ key, path string }

var _ rest.Getter = (*Root)(nil)

func (v *Root) Get(r *rest.Request) (*rest.Response, error) {
	var d serializers.Data
	for _, e := range v.entries {
		d.Set(e.key, r.AbsoluteURL(e.path).String())
	}
	return rest.OK(d), nil
}
