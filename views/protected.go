package views

import (
	"ginrest/permissions"
	"ginrest/rest"
)

// Protected is the demo's view for authenticated users only: what a template user copies.
type Protected struct{ rest.APIView }

var _ rest.Getter = (*Protected)(nil)

func NewProtected() *Protected {
	return &Protected{rest.APIView{Permissions: []rest.Permission{permissions.IsAuthenticated}}}
}

// Message is a body with one message.
type Message struct {
	Message string `json:"message"`
}

func (*Protected) Get(*rest.Request) (*rest.Response, error) {
	return rest.OK(Message{Message: "Hello, authenticated user!"}), nil
}
