// Command baregin is the load test's baseline: a bare gin handler answering the same JSON
// as /api/protected/, with no authentication, so scripts/bench.sh can report ginrest's
// throughput as a ratio measured in the same run.
//
//	baregin [ADDR] [-drf-headers]
//
// With -drf-headers it also sends the headers every DRF response carries (Allow, Vary and
// Django's three security headers), to separate what those headers cost from what
// ginrest's request path costs.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	addr, drfHeaders := "127.0.0.1:8001", false
	for _, arg := range os.Args[1:] {
		if arg == "-drf-headers" {
			drfHeaders = true
		} else {
			addr = arg
		}
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.GET("/api/protected/", func(c *gin.Context) {
		if drfHeaders {
			h := c.Writer.Header()
			h.Set("Allow", "GET, HEAD, OPTIONS")
			h.Set("Vary", "Accept")
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
		}
		c.JSON(http.StatusOK, gin.H{"message": "Hello, authenticated user!"})
	})
	if err := engine.Run(addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
