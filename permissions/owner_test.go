package permissions_test

import (
	"testing"

	"ginrest/permissions"
	"ginrest/rest"
)

// member is a signed-in user with an id.
type member struct {
	id    int
	staff bool
}

func (member) IsAuthenticated() bool { return true }
func (m member) IsAdmin() bool       { return m.staff }

// doc belongs to the member with its owner id.
type doc struct{ owner int }

func (d doc) IsOwnedBy(u rest.User) bool {
	m, ok := u.(member)
	return ok && m.id == d.owner
}

func TestIsOwnerOrReadOnly(t *testing.T) {
	d := doc{owner: 1}
	ownerOrStaff := permissions.And(permissions.IsAuthenticated, permissions.Or(permissions.IsAdminUser, permissions.IsOwnerOrReadOnly))
	for _, method := range methods {
		safe := permissions.IsSafeMethod(method)
		tests := []struct {
			name string
			user rest.User
			obj  any
			want bool // IsOwnerOrReadOnly alone
			comp bool // composed: signed in, and staff or the owner (or reading)
		}{
			{"owner", member{id: 1}, d, true, true},
			{"other", member{id: 2}, d, safe, safe},
			{"admin", member{id: 3, staff: true}, d, safe, true},
			{"anonymous", rest.AnonymousUser{}, d, safe, false},
			{"nil user", nil, d, safe, false},
			{"not owned", member{id: 1}, "a string", safe, safe},
		}
		for _, tt := range tests {
			r := request(method, tt.user)
			if !permissions.IsOwnerOrReadOnly.HasPermission(r, nil) {
				t.Errorf("%s %s: HasPermission refused", method, tt.name)
			}
			if got := permissions.IsOwnerOrReadOnly.HasObjectPermission(r, nil, tt.obj); got != tt.want {
				t.Errorf("%s %s: IsOwnerOrReadOnly = %v, want %v", method, tt.name, got, tt.want)
			}
			got := ownerOrStaff.HasPermission(r, nil) && ownerOrStaff.HasObjectPermission(r, nil, tt.obj)
			if got != tt.comp {
				t.Errorf("%s %s: owner-or-staff = %v, want %v", method, tt.name, got, tt.comp)
			}
		}
	}
}
