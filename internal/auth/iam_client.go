package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// maxIAMResponse bounds how much of an answer for credentials is read.
const maxIAMResponse = 1 << 20

// SendFunc sends a request with a client and returns the answer, whose body
// the caller closes. The provider's sends it while that may help (a 429, a
// 5xx, a network failure that may pass), under its one classifier.
type SendFunc func(*http.Client, *http.Request) (*http.Response, error)

// exchangeClient sends the requests that obtain credentials (IAM, the ECS
// metadata service, a CI's token service) under the provider's rules: no
// redirect is followed, bodies are capped, and Do repeats what may pass.
type exchangeClient struct {
	http      *http.Client
	do        SendFunc
	userAgent string
}

// Sender says how a source sends its requests for credentials: with
// HTTPClient (http.DefaultClient when nil), repeated by Do while that may
// help (one attempt when nil), under UserAgent. No redirect is followed.
type Sender struct {
	HTTPClient *http.Client
	Do         SendFunc
	UserAgent  string
}

func (s Sender) exchangeClient() exchangeClient {
	hc, do := s.HTTPClient, s.Do
	if hc == nil {
		hc = http.DefaultClient
	}
	// Redirects are refused on a copy, whatever the client's CheckRedirect
	// says: no credential follows one to another location.
	noRedirects := *hc
	noRedirects.CheckRedirect = errorbody.RefuseRedirect
	if do == nil {
		do = (*http.Client).Do
	}
	return exchangeClient{http: &noRedirects, do: do, userAgent: s.UserAgent}
}

// answer is a response read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// request is one request for credentials and how its failures are told.
type request struct {
	method, url string
	body        []byte
	header      map[string]string
	// what is attempted, for errors: "requesting an IAM token".
	what string
	// check names the settings behind the URL: "check auth_url (or region)".
	check string
	// unrefused, when set, says which credentials were not refused when
	// nothing answered: "user_name and password were not refused".
	unrefused string
	// direct marks a request that never goes through a proxy.
	direct bool
}

// send sends r once through Do and reads the answer; a redirect is an error.
func (c exchangeClient) send(ctx context.Context, r request) (answer, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return answer{}, fmt.Errorf("%s: building the request: %w", r.what, err)
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json;charset=utf8")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	for name, value := range r.header {
		req.Header.Set(name, value)
	}
	resp, err := c.do(c.http, req)
	var credErr *CredentialError
	switch {
	case errors.As(err, &credErr):
		// The caller's own credentials could not be had (the way beneath an
		// agency): that is the story, not the host.
		return answer{}, fmt.Errorf("%s: %w", r.what, credErr.Err)
	case err != nil:
		return answer{}, noAnswerError(r, req.URL.Host, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxIAMResponse))
	if err != nil {
		return answer{}, fmt.Errorf("%s: reading the answer: %w", r.what, err)
	}
	if errorbody.IsRedirect(resp.StatusCode) {
		return answer{}, &errorbody.RedirectError{Operation: r.what, StatusCode: resp.StatusCode,
			Location: resp.Header.Get("Location"), Check: r.check}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// noAnswerError tells a request that got no answer as it is: a failure to
// reach the host is about the host and the network, not the credentials.
func noAnswerError(r request, host string, err error) error {
	var b strings.Builder
	network := "network and proxy settings"
	if r.direct {
		network = "and that this machine is an ECS"
	}
	fmt.Fprintf(&b, "%s: no answer from %s; %s, %s", r.what, host, r.check, network)
	if r.unrefused != "" {
		fmt.Fprintf(&b, " (%s)", r.unrefused)
	}
	return fmt.Errorf("%s: %w", b.String(), err)
}

// v30 turns IAM's v3 base URL (auth_url) into the v3.0 one that the
// agency and OpenID Connect APIs live under.
func v30(authURL string) string {
	u := strings.TrimRight(authURL, "/")
	if strings.HasSuffix(u, "/v3") {
		return u + ".0"
	}
	return u + "/v3.0"
}
