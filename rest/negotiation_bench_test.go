package rest

import (
	"net/http/httptest"
	"testing"
)

// Content negotiation of a request with the Accept header a client library sends.
func BenchmarkNegotiate(b *testing.B) {
	for _, accept := range []string{"", "*/*", "application/json, text/plain, */*"} {
		b.Run(accept, func(b *testing.B) {
			h := &Handler{base: &APIView{}}
			req := httptest.NewRequest("GET", "/api/protected/", nil)
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			b.ReportAllocs()
			for b.Loop() {
				r := &Request{HTTP: req}
				if err := h.negotiate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
