package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// DefaultMetadataEndpoint is the ECS instance metadata service;
// HW_METADATA_ENDPOINT replaces it.
const DefaultMetadataEndpoint = "http://169.254.169.254"

// metadataSessionTTL is how long a metadata v2 session token is asked for.
const metadataSessionTTL = 6 * time.Hour

// MetadataConfig says where the ECS metadata service is and how to reach it.
type MetadataConfig struct {
	// Endpoint defaults to DefaultMetadataEndpoint.
	Endpoint string
	// Sender's client reaches the service directly: no proxy (it is a
	// link-local address), and a connect timeout short enough that a host
	// without the service is told at once. Its Do repeats a request once the
	// service has answered; the first is sent once, so that no service there
	// costs one timeout.
	Sender
	// Now defaults to time.Now.
	Now func() time.Time
}

// NewMetadataSource returns a Source of the temporary AK/SK of the ECS's
// agency, read with metadata v2 (a session token), or v1 where the service
// refuses the session token's PUT with 404 or 405.
func NewMetadataSource(cfg MetadataConfig) Source {
	cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultMetadataEndpoint
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &metadataSource{cfg: cfg,
		probe: Sender{HTTPClient: cfg.HTTPClient, UserAgent: cfg.UserAgent}.exchangeClient(), client: cfg.exchangeClient()}
}

type metadataSource struct {
	cfg           MetadataConfig
	probe, client exchangeClient

	mu sync.Mutex
	// reached is set once the service has answered: from then on its
	// failures are trouble at the service, and retried.
	reached bool
	// v1 is set when the service has no session tokens.
	v1             bool
	session        string
	sessionExpires time.Time
}

func (s *metadataSource) Retrieve(ctx context.Context) (Credential, error) {
	for attempt := 1; ; attempt++ {
		session, err := s.sessionToken(ctx)
		if err != nil {
			return Credential{}, err
		}
		header := map[string]string{}
		if session != "" {
			header["X-Metadata-Token"] = session
		}
		ans, err := s.send(ctx, request{method: http.MethodGet, url: s.cfg.Endpoint + "/openstack/latest/securitykey", header: header,
			what: "reading temporary credentials from the ECS metadata service", check: "check HW_METADATA_ENDPOINT"})
		switch {
		case err != nil:
			return Credential{}, err
		case ans.status == http.StatusOK:
			return temporaryKeys(ans.body, "the ECS metadata service's answer")
		case ans.status == http.StatusUnauthorized && session != "" && attempt == 1 && !noAgency(ans.body):
			s.dropSession() // the session token expired or was revoked: ask for another
			continue
		}
		return Credential{}, s.refusal(ans)
	}
}

// sessionToken is the metadata v2 session token, asked for when none is
// held; "" where the service has none (v1).
func (s *metadataSource) sessionToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	v1, session, valid := s.v1, s.session, s.cfg.Now().Before(s.sessionExpires)
	s.mu.Unlock()
	if v1 {
		return "", nil
	}
	if session != "" && valid {
		return session, nil
	}
	asked := s.cfg.Now()
	ans, err := s.send(ctx, request{method: http.MethodPut, url: s.cfg.Endpoint + "/meta-data/latest/api/token",
		header: map[string]string{"X-Metadata-Token-Ttl-Seconds": strconv.Itoa(int(metadataSessionTTL / time.Second))},
		what:   "asking the ECS metadata service for a session token", check: "check HW_METADATA_ENDPOINT"})
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case ans.status == http.StatusNotFound || ans.status == http.StatusMethodNotAllowed:
		s.v1 = true // an older service: the securitykey GET goes without a token
		return "", nil
	case ans.status != http.StatusOK || strings.TrimSpace(string(ans.body)) == "":
		return "", s.refusal(ans)
	}
	s.session = strings.TrimSpace(string(ans.body))
	s.sessionExpires = asked.Add(metadataSessionTTL - renewBefore)
	return s.session, nil
}

func (s *metadataSource) dropSession() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.session = ""
}

// send sends r, once while the service has never answered: nothing there
// then ends the search for credentials rather than being waited out.
func (s *metadataSource) send(ctx context.Context, r request) (answer, error) {
	s.mu.Lock()
	reached := s.reached
	s.mu.Unlock()
	r.direct = true
	client := s.client
	if !reached {
		client = s.probe
	}
	ans, err := client.send(ctx, r)
	var redirect *errorbody.RedirectError
	if err != nil && !reached && ctx.Err() == nil && !errors.As(err, &redirect) { // a redirect is an answer
		return answer{}, &NoCredentialsError{MetadataURL: s.cfg.Endpoint, Err: err}
	}
	if err == nil {
		s.mu.Lock()
		s.reached = true
		s.mu.Unlock()
	}
	return ans, err
}

// refusal words an answer of the service that is not the credentials.
func (s *metadataSource) refusal(ans answer) error {
	f, ok := errorbody.Parse(ans.header, ans.body)
	msg := f.Message
	if !ok {
		msg = errorbody.Excerpt(ans.body, maxErrorSnippet)
	}
	return &MetadataError{URL: s.cfg.Endpoint, StatusCode: ans.status, Message: msg}
}

// MetadataError is the ECS metadata service's refusal to hand out
// credentials; NoAgency tells an ECS without an agency.
type MetadataError struct {
	URL        string
	StatusCode int
	Message    string
}

func (e *MetadataError) Error() string {
	status := fmt.Sprintf("HTTP %d", e.StatusCode)
	if e.Message != "" {
		status += fmt.Sprintf(", %q", e.Message)
	}
	if e.NoAgency() {
		return fmt.Sprintf("the ECS metadata service at %s has no credentials for this instance (%s): the ECS has no agency. "+
			"Bind one in the ECS console (the instance's Management Information, Agency): an agency for the ECS cloud "+
			"service with the ServiceStage permissions the configuration needs", e.URL, status)
	}
	return fmt.Sprintf("the ECS metadata service at %s did not hand out credentials (%s)", e.URL, status)
}

// NoAgency reports the answer of an ECS without an agency: a 401 that says
// so, as Huawei's SDKs read it (or a 404, from older services).
func (e *MetadataError) NoAgency() bool {
	return e.StatusCode == http.StatusNotFound || (e.StatusCode == http.StatusUnauthorized && noAgency([]byte(e.Message)))
}

// noAgency reports the metadata service's words for an ECS without an agency.
func noAgency(body []byte) bool {
	return strings.Contains(strings.ToLower(string(body)), "cloud service agency")
}

// Transient reports trouble at the service that may pass.
func (e *MetadataError) Transient() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= http.StatusInternalServerError
}

// Lasting reports an ECS without an agency: binding one takes a person.
func (e *MetadataError) Lasting() bool { return e.NoAgency() }
