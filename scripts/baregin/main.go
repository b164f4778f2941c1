// Command baregin is the load test's baseline: a bare gin handler answering the same JSON
// as /api/protected/, with no authentication, so scripts/bench.sh can report ginrest's
// throughput as a ratio measured in the same run.
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"
)

func main() {
	addr := "127.0.0.1:8001"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	gin.SetMode(gin.ReleaseMode)
	engine := gin.New()
	engine.GET("/api/protected/", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"message": "Hello, authenticated user!"})
	})
	if err := engine.Run(addr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
