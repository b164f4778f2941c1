package generics

import "ginrest/rest"

// The concrete generic views of DRF's generics module: a GenericAPIView answering the
// methods of the actions in its name. Build one with its GenericAPIView:
//
//	&generics.RetrieveUpdateDestroy[models.Note]{GenericAPIView: generics.GenericAPIView[models.Note]{DB: db, Serializer: notes}}
//
// and route it at a path with the lookup parameter: "/api/notes/:pk/".

// ListCreate is ListCreateAPIView: GET lists, POST creates.
type ListCreate[T any] struct{ GenericAPIView[T] }

func (v *ListCreate[T]) Get(r *rest.Request) (*rest.Response, error)  { return v.List(r) }
func (v *ListCreate[T]) Post(r *rest.Request) (*rest.Response, error) { return v.Create(r) }

// List is ListAPIView: GET lists.
type List[T any] struct{ GenericAPIView[T] }

func (v *List[T]) Get(r *rest.Request) (*rest.Response, error) { return v.GenericAPIView.List(r) }

// Create is CreateAPIView: POST creates.
type Create[T any] struct{ GenericAPIView[T] }

func (v *Create[T]) Post(r *rest.Request) (*rest.Response, error) { return v.GenericAPIView.Create(r) }

// Retrieve is RetrieveAPIView: GET shows one object.
type Retrieve[T any] struct{ GenericAPIView[T] }

func (v *Retrieve[T]) Get(r *rest.Request) (*rest.Response, error) {
	return v.GenericAPIView.Retrieve(r)
}

// Update is UpdateAPIView: PUT replaces, PATCH changes some fields.
type Update[T any] struct{ GenericAPIView[T] }

func (v *Update[T]) Put(r *rest.Request) (*rest.Response, error) { return v.GenericAPIView.Update(r) }
func (v *Update[T]) Patch(r *rest.Request) (*rest.Response, error) {
	return v.GenericAPIView.PartialUpdate(r)
}

// Destroy is DestroyAPIView: DELETE.
type Destroy[T any] struct{ GenericAPIView[T] }

func (v *Destroy[T]) Delete(r *rest.Request) (*rest.Response, error) {
	return v.GenericAPIView.Destroy(r)
}

// RetrieveUpdate is RetrieveUpdateAPIView: GET, PUT, PATCH.
type RetrieveUpdate[T any] struct{ GenericAPIView[T] }

func (v *RetrieveUpdate[T]) Get(r *rest.Request) (*rest.Response, error)   { return v.Retrieve(r) }
func (v *RetrieveUpdate[T]) Put(r *rest.Request) (*rest.Response, error)   { return v.Update(r) }
func (v *RetrieveUpdate[T]) Patch(r *rest.Request) (*rest.Response, error) { return v.PartialUpdate(r) }

// RetrieveDestroy is RetrieveDestroyAPIView: GET, DELETE.
type RetrieveDestroy[T any] struct{ GenericAPIView[T] }

func (v *RetrieveDestroy[T]) Get(r *rest.Request) (*rest.Response, error)    { return v.Retrieve(r) }
func (v *RetrieveDestroy[T]) Delete(r *rest.Request) (*rest.Response, error) { return v.Destroy(r) }

// RetrieveUpdateDestroy is RetrieveUpdateDestroyAPIView: GET, PUT, PATCH, DELETE.
type RetrieveUpdateDestroy[T any] struct{ GenericAPIView[T] }

func (v *RetrieveUpdateDestroy[T]) Get(r *rest.Request) (*rest.Response, error) {
	return v.Retrieve(r)
}
func (v *RetrieveUpdateDestroy[T]) Put(r *rest.Request) (*rest.Response, error) {
	return v.Update(r)
}
func (v *RetrieveUpdateDestroy[T]) Patch(r *rest.Request) (*rest.Response, error) {
	return v.PartialUpdate(r)
}
func (v *RetrieveUpdateDestroy[T]) Delete(r *rest.Request) (*rest.Response, error) {
	return v.Destroy(r)
}

// A typo in a method name fails to compile instead of becoming a silent 405.
var (
	_ interface {
		rest.Getter
		rest.Poster
	} = (*ListCreate[struct{}])(nil)
	_ rest.Getter = (*List[struct{}])(nil)
	_ rest.Poster = (*Create[struct{}])(nil)
	_ rest.Getter = (*Retrieve[struct{}])(nil)
	_ interface {
		rest.Putter
		rest.Patcher
	} = (*Update[struct{}])(nil)
	_ rest.Deleter = (*Destroy[struct{}])(nil)
	_ interface {
		rest.Getter
		rest.Putter
		rest.Patcher
	} = (*RetrieveUpdate[struct{}])(nil)
	_ interface {
		rest.Getter
		rest.Deleter
	} = (*RetrieveDestroy[struct{}])(nil)
	_ interface {
		rest.Getter
		rest.Putter
		rest.Patcher
		rest.Deleter
	} = (*RetrieveUpdateDestroy[struct{}])(nil)
)
