package apitest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Cookies are kept as Django's test client keeps them: by name, sent with every request
// whatever their Path, Domain or Secure say (the server set them; a test checks those
// attributes on the Response), forgotten when the server expires them.

// keepCookies stores the cookies a response set, and drops those it expired.
func (c *Client) keepCookies(set []*http.Cookie) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cookie := range set {
		if cookie.MaxAge < 0 || (!cookie.Expires.IsZero() && cookie.Expires.Before(time.Now())) {
			delete(c.cookies, cookie.Name)
			continue
		}
		c.cookies[cookie.Name] = cookie
	}
}

// Cookies are the cookies the client holds, by name.
func (c *Client) Cookies() []*http.Cookie {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := sortedCookies(c.cookies)
	for i, cookie := range out {
		copied := *cookie
		out[i] = &copied
	}
	return out
}

// Cookie is the cookie of that name the client holds, or nil.
func (c *Client) Cookie(name string) *http.Cookie {
	c.mu.Lock()
	defer c.mu.Unlock()
	cookie, ok := c.cookies[name]
	if !ok {
		return nil
	}
	copied := *cookie
	return &copied
}

// SetCookie makes the client hold a cookie, as a browser that was given it would.
func (c *Client) SetCookie(cookie *http.Cookie) {
	c.mu.Lock()
	c.cookies[cookie.Name] = cookie
	c.mu.Unlock()
}

func sortedCookies(m map[string]*http.Cookie) []*http.Cookie {
	out := make([]*http.Cookie, 0, len(m))
	for _, cookie := range m {
		out = append(out, cookie)
	}
	slices.SortFunc(out, func(a, b *http.Cookie) int { return strings.Compare(a.Name, b.Name) })
	return out
}
