package servicestage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// pathID is an ID that goes into a request path, and the argument it came from.
type pathID struct{ attribute, value string }

// fetch checks that every ID is one path segment, GETs the path made of
// segments and decodes a 2xx body; op says what is attempted, for errors.
func fetch[T any](ctx context.Context, c *Client, op string, decodeBody func([]byte) (*T, error), ids []pathID, segments ...string) (*T, error) {
	if err := validateIDs(op, ids); err != nil {
		return nil, err
	}
	body, header, err := c.get(ctx, op, segments...)
	if err != nil {
		return nil, err
	}
	v, err := decodeBody(body)
	if err != nil {
		return nil, fmt.Errorf("%s (request ID %s): %w", op, orNone(header.Get("X-Request-Id")), err)
	}
	return v, nil
}

// validateIDs checks that every ID is one path segment.
func validateIDs(op string, ids []pathID) error {
	for _, id := range ids {
		if err := ValidateID(id.value); err != nil {
			return fmt.Errorf("%s: %s %w", op, id.attribute, err)
		}
	}
	return nil
}

// get performs a GET on the endpoint plus the given path segments, with
// retries, and returns the body of a 2xx answer or an *APIError.
func (c *Client) get(ctx context.Context, op string, segments ...string) ([]byte, http.Header, error) {
	policy := c.newPolicy()
	ans, err := c.send(ctx, op, http.MethodGet, c.urlFor(segments...), nil, policy)
	if err != nil {
		return nil, nil, err
	}
	if err := c.answerError(op, ans); err != nil {
		return nil, nil, err
	}
	return ans.body, ans.header, nil
}

// reply is what came back to a request.
type reply struct {
	status int
	header http.Header
	body   []byte
}

func (c *Client) newPolicy() *retryPolicy {
	return &retryPolicy{min: c.cfg.RetryWaitMin, max: c.cfg.RetryWaitMax}
}

// answerError is the error of an answer that is not a 2xx: a refused
// redirect or an *APIError.
func (c *Client) answerError(op string, ans *reply) error {
	switch {
	case errorbody.IsRedirect(ans.status):
		return &errorbody.RedirectError{Operation: op, StatusCode: ans.status, Location: ans.header.Get("Location"), Check: c.checkSetting()}
	case ans.status < 200 || ans.status > 299:
		return NewAPIError(op, ans.status, ans.header, ans.body)
	}
	return nil
}

// send makes the request under policy, retrying what the policy allows, and
// returns the last answer with its body read, or the error of a request that
// got no usable answer.
func (c *Client) send(ctx context.Context, op, method string, u *url.URL, payload []byte, policy *retryPolicy) (*reply, error) {
	var reqBody any
	if payload != nil {
		reqBody = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), reqBody)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	// The reference marks Content-Type mandatory even on a GET.
	req.Header.Set("Content-Type", "application/json;charset=utf8")
	req.Header.Set("Accept", "application/json")
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}

	// The body is read inside the retry loop: a connection cut mid-body
	// (unexpected EOF) is as transient as one cut before the headers.
	var body []byte
	bodyRead := false
	req.SetResponseHandler(func(resp *http.Response) error {
		var err error
		body, err = readCapped(resp.Body, c.cfg.MaxBodyBytes)
		bodyRead = err == nil
		return err
	})

	resp, err := newRetryClient(c.cfg.HTTPClient, c.cfg.MaxRetries, policy).Do(req)
	if resp != nil {
		defer resp.Body.Close()
	}
	switch {
	case err != nil && (resp == nil || ctx.Err() != nil):
		return nil, c.transportError(ctx, op, policy, err)
	case err != nil:
		// An answer came, but its body could not be read.
		return &reply{status: resp.StatusCode, header: resp.Header}, fmt.Errorf("%s: HTTP %d, request ID %s, after %d attempt(s): %w",
			op, resp.StatusCode, orNone(resp.Header.Get("X-Request-Id")), max(policy.attempts, 1), err)
	case !bodyRead:
		// Retries ran out on a retryable status: its error body is still unread.
		if body, err = readCapped(resp.Body, c.cfg.MaxBodyBytes); err != nil {
			return &reply{status: resp.StatusCode, header: resp.Header}, fmt.Errorf("%s: HTTP %d, request ID %s: %w",
				op, resp.StatusCode, orNone(resp.Header.Get("X-Request-Id")), err)
		}
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// checkSetting says which setting an error about the endpoint should make
// the user check: endpoint, or what the host was derived from.
func (c *Client) checkSetting() string {
	if c.cfg.EndpointFrom == "" {
		return "check endpoint"
	}
	return fmt.Sprintf("the host %s comes from %s, as endpoint is not set: check region and cloud (or set endpoint)", c.endpoint.Host, c.cfg.EndpointFrom)
}

// urlFor escapes each segment on its own, so that no ID can add a segment.
func (c *Client) urlFor(segments ...string) *url.URL {
	u := *c.endpoint
	escaped := make([]string, len(segments))
	for i, s := range segments {
		escaped[i] = url.PathEscape(s)
	}
	u.Path = c.endpoint.Path + "/" + strings.Join(segments, "/")
	u.RawPath = c.endpoint.EscapedPath() + "/" + strings.Join(escaped, "/")
	return &u
}

// transportError explains a request that got no usable answer.
func (c *Client) transportError(ctx context.Context, op string, p *retryPolicy, err error) error {
	attempts := fmt.Sprintf("after %d attempt(s)", max(p.attempts, 1))
	if ctxErr := ctx.Err(); ctxErr != nil {
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			return fmt.Errorf("%s: timed out %s; raise timeouts.read if the service is slow: %w", op, attempts, err)
		}
		return fmt.Errorf("%s: cancelled %s: %w", op, attempts, err)
	}
	if errors.Is(err, ErrThrottleDeadline) {
		return fmt.Errorf("%s: the client-side limit max_requests_per_second would give the next request its turn only "+
			"after timeouts.read ends: %w", op, err)
	}
	var unsent interface {
		error
		NotSent() bool
	}
	if errors.As(err, &unsent) {
		// No credential could be made (IAM's trouble): nothing went to the
		// endpoint, so the endpoint is not what to check.
		return fmt.Errorf("%s: %w", op, unsent)
	}
	if CertificateError(err) {
		return fmt.Errorf("%s: the TLS certificate of %s is not trusted: %w", op, c.endpoint.Host, err)
	}
	if p.stopReason != "" {
		attempts += ", " + p.stopReason
	}
	return fmt.Errorf("%s: no answer from %s %s; %s, network and proxy settings: %w", op, c.endpoint.Host, attempts, c.checkSetting(), err)
}

// ErrBodyTooLarge reports a response larger than Config.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body too large")

func readCapped(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading response body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBodyTooLarge, limit)
	}
	return body, nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
