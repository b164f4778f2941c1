// Package filters is DRF's filters module (and django-filter's DjangoFilterBackend): the
// backends that narrow and order a generic view's query from the request's query
// parameters.
//
//	Filters: []filters.Backend{
//		filters.Exact{Fields: []string{"done"}},                    // ?done=true
//		filters.Search{Fields: []string{"title", "body"}},          // ?search=milk eggs
//		filters.Ordering{Fields: []string{"created", "title"}, Default: []string{"-created"}}, // ?ordering=-created,title
//	}
//
// Fields are named by their JSON name, the serializer's; the view maps each to its column
// (serializers.Serializer.Column). What a client sends never becomes SQL text: a field it
// names is looked up among the declared ones (anything else is ignored or refused), and
// values are passed to the database as parameters.
package filters
