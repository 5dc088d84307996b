package auth

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// canonicalURIAlphabet is every byte canonicalURI may emit.
var canonicalURIAlphabet = regexp.MustCompile(`^(?:[A-Za-z0-9\-_.~/]|%[0-9A-F]{2})*$`)

// FuzzCanonicalURI checks canonicalURI on arbitrary escaped paths: it must
// not panic, must emit only the signing alphabet ending in "/", must keep
// the segment structure, and must be a fixed point (canonicalising twice
// changes nothing), which is what lets a server rebuild the same string.
func FuzzCanonicalURI(f *testing.F) {
	for _, seed := range []string{"", "/", "/v3/p/cas", "/a%2Fb/c", "/caf%C3%A9", "/%zz/%", "//a//"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, escapedPath string) {
		got := canonicalURI(escapedPath)
		if !strings.HasSuffix(got, "/") {
			t.Fatalf("canonicalURI(%q) = %q lacks the trailing slash", escapedPath, got)
		}
		if !canonicalURIAlphabet.MatchString(got) {
			t.Fatalf("canonicalURI(%q) = %q has bytes outside the signing alphabet", escapedPath, got)
		}
		wantSlashes := strings.Count(escapedPath, "/")
		if !strings.HasSuffix(escapedPath, "/") {
			wantSlashes++
		}
		if n := strings.Count(got, "/"); n != wantSlashes {
			t.Fatalf("canonicalURI(%q) = %q has %d slashes, want %d", escapedPath, got, n, wantSlashes)
		}
		if again := canonicalURI(got); again != got {
			t.Fatalf("canonicalURI is not a fixed point: %q -> %q -> %q", escapedPath, got, again)
		}
	})
}

// FuzzSign signs requests with arbitrary paths, queries and bodies. Sign
// must not panic, must fail only on an undecodable query, must leave the
// URL and body as they were, and must produce a well-formed header.
func FuzzSign(f *testing.F) {
	f.Add("/v3/p/cas/release-plans/x/deploy-info", "", []byte(nil))
	f.Add("/a b/é", "b=2&a=1&a=0", []byte(`{"x":1}`))
	f.Add("/a%2Fb", "q=a+b&r=%zz", []byte{0})
	authorization := regexp.MustCompile(`^SDK-HMAC-SHA256 Access=AK, SignedHeaders=[a-z0-9\-;]+, Signature=[0-9a-f]{64}$`)

	f.Fuzz(func(t *testing.T, rawPath, rawQuery string, body []byte) {
		path, err := url.PathUnescape(rawPath)
		if err != nil {
			path = rawPath
		}
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, "https://example.com", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path, req.URL.RawPath, req.URL.RawQuery = path, rawPath, rawQuery
		before := req.URL.String()

		err = Sign(req, testCred, time.Unix(0, 0))
		if err != nil {
			if _, qerr := canonicalQuery(rawQuery); qerr == nil {
				t.Fatalf("Sign failed although the query decodes: %v", err)
			}
			return
		}
		if after := req.URL.String(); after != before {
			t.Fatalf("URL changed from %q to %q", before, after)
		}
		if !authorization.MatchString(req.Header.Get("Authorization")) {
			t.Fatalf("malformed Authorization %q", req.Header.Get("Authorization"))
		}
		got, err := io.ReadAll(req.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("body after signing = %q (%v), want %q", got, err, body)
		}
	})
}
