package views

import (
	"net/http"

	"ginrest/permissions"
	"ginrest/rest"
)

// Protected is the demo's view for authenticated users only: what a template user copies.
type Protected struct{ rest.APIView }

var _ rest.Getter = (*Protected)(nil)

func NewProtected() *Protected {
	return &Protected{rest.APIView{Permissions: []rest.Permission{permissions.IsAuthenticated},
		// What the document cannot infer from a handler: its body (extend_schema(responses=...)).
		Schema: rest.Schema{Operations: map[string]rest.Operation{
			http.MethodGet: {Responses: map[int]any{http.StatusOK: Message{}},
				Examples: map[int]any{http.StatusOK: Message{Message: "Hello, authenticated user!"}}},
		}}}}
}

// Message is a body with one message.
type Message struct {
	Message string `json:"message"`
}

func (*Protected) Get(*rest.Request) (*rest.Response, error) {
	return rest.OK(Message{Message: "Hello, authenticated user!"}), nil
}
