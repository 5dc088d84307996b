package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeMetadata is an ECS metadata service. PUT token answers putStatus
// (200 hands out session-n); the securitykey GET needs the latest session
// when sessions are handed out, and answers ECS-AK-n / ECS-SK-n /
// ECS-STS-n valid for an hour, or getStatus when it is set.
type fakeMetadata struct {
	*fakeServer
	mu        sync.Mutex
	putStatus int
	getStatus int
	// rejectSessions lists session tokens the GET answers with 401.
	rejectSessions map[string]bool
	sessions, keys int
}

func newFakeMetadata(t *testing.T, clock *fakeClock) *fakeMetadata {
	m := &fakeMetadata{putStatus: http.StatusOK, rejectSessions: map[string]bool{}}
	m.fakeServer = newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, _ []byte) {
		m.mu.Lock()
		defer m.mu.Unlock()
		switch {
		case r.Method == http.MethodPut && r.URL.Path == "/meta-data/latest/api/token":
			if m.putStatus != http.StatusOK {
				w.WriteHeader(m.putStatus)
				return
			}
			m.sessions++
			fmt.Fprintf(w, "session-%d", m.sessions)
		case r.Method == http.MethodGet && r.URL.Path == "/openstack/latest/securitykey":
			session := r.Header.Get("X-Metadata-Token")
			switch {
			case m.putStatus == http.StatusOK && (session != fmt.Sprintf("session-%d", m.sessions) || m.rejectSessions[session]):
				w.WriteHeader(http.StatusUnauthorized)
			case m.getStatus != 0:
				w.WriteHeader(m.getStatus)
				fmt.Fprint(w, `{"message":"configure Cloud Service Agency first"}`)
			default:
				m.keys++
				writeJSON(w, http.StatusOK, temporaryKeysBody(fmt.Sprintf("ECS-AK-%d", m.keys), fmt.Sprintf("ECS-SK-%d", m.keys),
					fmt.Sprintf("ECS-STS-%d", m.keys), clock.Now().Add(time.Hour)))
			}
		default:
			http.Error(w, "unexpected", http.StatusBadRequest)
		}
	})
	return m
}

// sequence describes the requests received: "PUT ttl=21600", "GET session-1", "GET -".
func (m *fakeMetadata) sequence() []string {
	var out []string
	for _, r := range m.requests() {
		switch r.Method {
		case http.MethodPut:
			out = append(out, "PUT ttl="+r.Header.Get("X-Metadata-Token-Ttl-Seconds"))
		default:
			session := r.Header.Get("X-Metadata-Token")
			if session == "" {
				session = "-"
			}
			out = append(out, "GET "+session)
		}
	}
	return out
}

func metadataConfig(m *fakeMetadata, clock *fakeClock) MetadataConfig {
	return MetadataConfig{Endpoint: m.URL + "/", Sender: Sender{HTTPClient: m.Client(), UserAgent: "terraform-provider-servicestage/test"}, Now: clock.Now}
}

func assertSequence(t *testing.T, m *fakeMetadata, want ...string) {
	t.Helper()
	if got := m.sequence(); strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("requests: %s\nwant:     %s", strings.Join(got, ", "), strings.Join(want, ", "))
	}
}

func TestMetadataV2(t *testing.T) {
	clock := newFakeClock()
	m := newFakeMetadata(t, clock)
	src := NewMetadataSource(metadataConfig(m, clock))

	cred, err := src.Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := Credential{Keys: KeyPair{AccessKey: "ECS-AK-1", SecretKey: "ECS-SK-1", SecurityToken: "ECS-STS-1"}, ExpiresAt: clockStart.Add(time.Hour)}
	if cred != want {
		t.Errorf("credential %+v, want %+v", cred, want)
	}
	assertSequence(t, m, "PUT ttl=21600", "GET session-1")
	for _, r := range m.requests() {
		if ua := r.Header.Get("User-Agent"); ua != "terraform-provider-servicestage/test" {
			t.Errorf("%s sent User-Agent %q", r.Method, ua)
		}
	}

	// An hour later the session token is still good: only the GET.
	clock.Advance(time.Hour)
	if cred, err = src.Retrieve(t.Context()); err != nil || cred.Keys.AccessKey != "ECS-AK-2" {
		t.Fatalf("second Retrieve: %+v, %v", cred, err)
	}
	assertSequence(t, m, "PUT ttl=21600", "GET session-1", "GET session-1")

	// Near the end of its 6 hours, another session token is asked for.
	clock.Advance(5 * time.Hour)
	if _, err = src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertSequence(t, m, "PUT ttl=21600", "GET session-1", "GET session-1", "PUT ttl=21600", "GET session-2")
}

func TestMetadataV1WhereThereAreNoSessionTokens(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			clock := newFakeClock()
			m := newFakeMetadata(t, clock)
			m.putStatus = status
			src := NewMetadataSource(metadataConfig(m, clock))
			for range 2 {
				if cred, err := src.Retrieve(t.Context()); err != nil || cred.Keys.SecretKey == "" {
					t.Fatalf("Retrieve: %+v, %v", cred, err)
				}
			}
			assertSequence(t, m, "PUT ttl=21600", "GET -", "GET -")
		})
	}
}

func TestMetadataRejectedSessionIsReplacedOnce(t *testing.T) {
	clock := newFakeClock()
	m := newFakeMetadata(t, clock)
	src := NewMetadataSource(metadataConfig(m, clock))
	if _, err := src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	m.mu.Lock()
	m.rejectSessions["session-1"] = true // revoked
	m.mu.Unlock()
	if _, err := src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	assertSequence(t, m, "PUT ttl=21600", "GET session-1", "GET session-1", "PUT ttl=21600", "GET session-2")

	// A service that refuses every session is asked once more, not forever.
	m.mu.Lock()
	m.rejectSessions["session-2"], m.rejectSessions["session-3"] = true, true
	m.mu.Unlock()
	_, err := src.Retrieve(t.Context())
	if metaErr := asError[*MetadataError](t, err); metaErr.StatusCode != http.StatusUnauthorized {
		t.Errorf("error %v, want the 401", err)
	}
	if n := m.count(); n != 8 {
		t.Errorf("%d requests, want 8: the rejected GET, one new session and its GET", n)
	}
}

// An ECS without an agency answers 401 saying so, as Huawei's SDKs read it
// (older services: 404); that is not a session token to replace.
func TestMetadataWithoutAgency(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusNotFound} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			clock := newFakeClock()
			m := newFakeMetadata(t, clock)
			m.getStatus = status
			cache := NewCache(NewMetadataSource(metadataConfig(m, clock)), clock.Now)

			err := mustFail(t, cache)
			metaErr := asError[*MetadataError](t, err)
			if !metaErr.NoAgency() || !metaErr.Lasting() || metaErr.Transient() {
				t.Errorf("HTTP %d is not told as an ECS without an agency: %+v", status, metaErr)
			}
			assertContains(t, "error", err.Error(), "agency", "Bind", m.URL, fmt.Sprint(status), "configure Cloud Service Agency first")
			assertLacks(t, "error", err.Error(), "session-1")
			_ = mustFail(t, cache)
			if n := m.count(); n != 2 {
				t.Errorf("%d requests after two reads, want 2: binding an agency takes a person", n)
			}
		})
	}
}

func TestMetadataServerErrorIsTransient(t *testing.T) {
	clock := newFakeClock()
	m := newFakeMetadata(t, clock)
	m.getStatus = http.StatusServiceUnavailable
	_, err := NewMetadataSource(metadataConfig(m, clock)).Retrieve(t.Context())
	if metaErr := asError[*MetadataError](t, err); !metaErr.Transient() || metaErr.Lasting() || metaErr.NoAgency() {
		t.Errorf("a 503 is not transient trouble: %+v", metaErr)
	}
}

// dialCounter is a client that counts the connections it opens.
func dialCounter() (*http.Client, *atomic.Int64) {
	var dials atomic.Int64
	dialer := &net.Dialer{}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dialer.DialContext(ctx, network, addr)
	}}}, &dials
}

// repeatThrice is a SendFunc that, like the provider's, repeats failures.
func repeatThrice(sent *atomic.Int64) SendFunc {
	return func(hc *http.Client, req *http.Request) (*http.Response, error) {
		var err error
		for range 3 {
			sent.Add(1)
			var resp *http.Response
			if resp, err = hc.Do(req); err == nil {
				return resp, nil
			}
		}
		return nil, err
	}
}

func TestMetadataNothingListeningEndsTheSearchAtOnce(t *testing.T) {
	endpoint := closedURL(t)
	client, dials := dialCounter()
	var repeated atomic.Int64
	clock := newFakeClock()
	cache := NewCache(NewMetadataSource(MetadataConfig{Endpoint: endpoint, Sender: Sender{HTTPClient: client, Do: repeatThrice(&repeated)}, Now: clock.Now}), clock.Now)

	err := mustFail(t, cache)
	noCreds := asError[*NoCredentialsError](t, err)
	if noCreds.MetadataURL != endpoint {
		t.Errorf("MetadataURL %q, want %q", noCreds.MetadataURL, endpoint)
	}
	assertContains(t, "error", err.Error(), endpoint, "token", "access_key", "user_name", "idp_id", "shared_config_file", "assume_role")
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connection attempts, want 1", n)
	}
	if n := repeated.Load(); n != 0 {
		t.Errorf("the first contact went through Do (%d sends), which repeats it", n)
	}
	clock.Advance(time.Hour)
	_ = mustFail(t, cache)
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connection attempts after a second read, want 1: nothing will start listening", n)
	}
}

func TestMetadataLaterFailureIsNotNoCredentials(t *testing.T) {
	clock := newFakeClock()
	m := newFakeMetadata(t, clock)
	var repeated atomic.Int64
	cfg := metadataConfig(m, clock)
	cfg.Do = repeatThrice(&repeated)
	src := NewMetadataSource(cfg)
	if _, err := src.Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := repeated.Load(); n != 1 {
		t.Errorf("%d sends through Do, want 1: the GET after the service answered the PUT", n)
	}
	repeated.Store(0)
	m.Close() // the service goes away after answering
	_, err := src.Retrieve(t.Context())
	if err == nil {
		t.Fatal("Retrieve succeeded with the service gone")
	}
	var noCreds *NoCredentialsError
	if errors.As(err, &noCreds) {
		t.Errorf("a service that answered before is told as no credentials at all: %v", err)
	}
	assertContains(t, "error", err.Error(), "ECS metadata service", "HW_METADATA_ENDPOINT")
	assertLacks(t, "error", err.Error(), "session-1")
	if n := repeated.Load(); n != 3 {
		t.Errorf("%d sends of the failing GET, want 3: once the service has answered, its failures are repeated", n)
	}
}

func TestMetadataCancelledFirstContactIsNotNoCredentials(t *testing.T) {
	client, _ := dialCounter()
	src := NewMetadataSource(MetadataConfig{Endpoint: closedURL(t), Sender: Sender{HTTPClient: client}})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := src.Retrieve(ctx)
	var noCreds *NoCredentialsError
	if err == nil || errors.As(err, &noCreds) {
		t.Errorf("error %v, want a cancellation, not the end of the search", err)
	}
}

// A redirect on the first contact is an answer, not an absent service.
func TestMetadataRedirectIsNotNoCredentials(t *testing.T) {
	clock := newFakeClock()
	s := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, _ []byte) {
		http.Redirect(w, r, "http://elsewhere.example/", http.StatusFound)
	})
	_, err := NewMetadataSource(MetadataConfig{Endpoint: s.URL, Now: clock.Now}).Retrieve(t.Context())
	var noCreds *NoCredentialsError
	if err == nil || errors.As(err, &noCreds) {
		t.Fatalf("got %v, want a redirect error", err)
	}
	assertContains(t, "error", err.Error(), "HTTP 302", "elsewhere.example")
}
