package middleware

import (
	"net/http"
	"slices"

	"github.com/rs/cors"

	"ginrest/settings"
)

// CORS is django-cors-headers' CorsMiddleware on rs/cors: a preflight (OPTIONS with
// Origin and Access-Control-Request-Method) is answered here, 200 with an empty body as
// django-cors-headers answers it, before any route, authentication or throttle sees it;
// a browser sends no credentials with a preflight, so a protected view would refuse it.
// Other requests go on, and their responses get Access-Control-Allow-Origin (and the
// credentials and exposed headers) when their Origin is allowed, and Vary: Origin always,
// so that no cache serves one origin's answer to another.
//
// It differs from django-cors-headers where rs/cors is stricter: a preflight asking for a
// method or header outside CORS_ALLOW_METHODS or CORS_ALLOW_HEADERS is answered without
// CORS headers (the browser then refuses it, as it would have on seeing the lists), and
// the lists sent back are what the preflight asked for.
//
// The settings must have passed Validate (regexes compile; not all origins with
// credentials); the error is returned only for a caller that skipped it.
func CORS(c settings.CORS) (func(http.Handler) http.Handler, error) {
	patterns, err := c.OriginPatterns()
	if err != nil {
		return nil, err
	}
	methods := slices.Clone(c.AllowMethods)
	if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
		// Django answers HEAD with GET; rs/cors checks the method of actual requests too.
		methods = append(methods, http.MethodHead)
	}
	opts := cors.Options{
		AllowedMethods:       methods,
		AllowedHeaders:       c.AllowHeaders,
		ExposedHeaders:       c.ExposeHeaders,
		AllowCredentials:     c.AllowCredentials,
		MaxAge:               c.PreflightMaxAge, // 0: no Access-Control-Max-Age
		OptionsSuccessStatus: http.StatusOK,
	}
	if c.AllowAllOrigins {
		// "*", never the request's origin echoed: Validate refuses this with credentials.
		opts.AllowedOrigins = []string{"*"}
	} else {
		exact := slices.Clone(c.AllowedOrigins)
		opts.AllowOriginFunc = func(origin string) bool {
			// Compared as strings, as django-cors-headers does (browsers send origins
			// lower-case, without a default port).
			if slices.Contains(exact, origin) {
				return true
			}
			for _, re := range patterns {
				if re.MatchString(origin) {
					return true
				}
			}
			return false
		}
	}
	return cors.New(opts).Handler, nil
}
