package emulator_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/emulator"
)

const (
	metadataTokenPath = "/meta-data/latest/api/token"
	securityKeyPath   = "/openstack/latest/securitykey"
)

// withMetadata is startClocked with an ECS metadata service as m says.
func withMetadata(t *testing.T, m emulator.Metadata) (srv *emulator.Server, clock *fakeClock, base, metadata string) {
	t.Helper()
	srv, clock, base = startClocked(t)
	ts := srv.StartMetadata(m)
	t.Cleanup(ts.Close)
	return srv, clock, base, ts.URL
}

// metadataCall sends method path with headers (name, value pairs).
func metadataCall(t *testing.T, metadata, method, path string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, metadata+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, http.DefaultTransport, req)
}

// sessionToken PUTs for a v2 session token of ttl seconds.
func sessionToken(t *testing.T, metadata, ttl string) string {
	t.Helper()
	a := metadataCall(t, metadata, http.MethodPut, metadataTokenPath, "X-Metadata-Token-Ttl-Seconds", ttl)
	if a.status != http.StatusOK || len(a.body) == 0 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("token PUT: HTTP %d %q (%s), want 200 and a text token", a.status, a.body, a.header.Get("Content-Type"))
	}
	return string(a.body)
}

// securityKey GETs the credential with session ("" for none) and returns it.
func securityKey(t *testing.T, metadata, session string, expires time.Time) keyPair {
	t.Helper()
	var headers []string
	if session != "" {
		headers = []string{"X-Metadata-Token", session}
	}
	a := metadataCall(t, metadata, http.MethodGet, securityKeyPath, headers...)
	if a.status != http.StatusOK {
		t.Fatalf("securitykey: HTTP %d %s", a.status, a.body)
	}
	return wantCredential(t, a.body, expires)
}

// ECS hands out the same credential until 10 minutes before it expires,
// then the next; both work meanwhile, and each stops at its expiry.
func TestMetadataRotation(t *testing.T) {
	for _, tt := range []struct {
		name     string
		lifetime time.Duration
		want     time.Duration
	}{
		{"ECS's hour", 0, time.Hour},
		{"set", 30 * time.Minute, 30 * time.Minute},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv, clock, base, metadata := withMetadata(t, emulator.Metadata{Agency: true, Lifetime: tt.lifetime})
			session := sessionToken(t, metadata, "21600")
			start := clock.Now()
			first := securityKey(t, metadata, session, start.Add(tt.want))
			wantOK(t, do(t, signedAt(clock, first), deployInfo(t, base)))

			clock.advance(tt.want - 10*time.Minute - time.Second)
			if again := securityKey(t, metadata, session, start.Add(tt.want)); again != first {
				t.Errorf("before the rotation: %+v, want the same credential", again)
			}
			clock.advance(time.Second)
			second := securityKey(t, metadata, session, clock.Now().Add(tt.want))
			if second.AccessKey == first.AccessKey || second.SecretKey == first.SecretKey || second.SecurityToken == first.SecurityToken {
				t.Errorf("at the rotation: %+v shares a value with %+v", second, first)
			}
			if n := srv.MetadataCredentialsIssued(); n != 2 {
				t.Errorf("MetadataCredentialsIssued %d, want 2", n)
			}

			clock.advance(10*time.Minute - time.Second)
			wantOK(t, do(t, signedAt(clock, first), deployInfo(t, base)))
			wantOK(t, do(t, signedAt(clock, second), deployInfo(t, base)))
			clock.advance(time.Second)
			old := do(t, signedAt(clock, first), deployInfo(t, base))
			wantRejected(t, old, "security token has expired")
			wantNoneOf(t, "expired metadata key", old.body, first.SecretKey, first.SecurityToken)
			wantOK(t, do(t, signedAt(clock, second), deployInfo(t, base)))
		})
	}
}

// In v2 the GET needs a live session token; the PUT checks its TTL.
func TestMetadataSessionTokens(t *testing.T) {
	_, clock, _, metadata := withMetadata(t, emulator.Metadata{Agency: true})
	for _, ttl := range []string{"", "0", "21601", "60s", "-1"} {
		a := metadataCall(t, metadata, http.MethodPut, metadataTokenPath, "X-Metadata-Token-Ttl-Seconds", ttl)
		if a.status != http.StatusBadRequest || !strings.Contains(string(a.body), "X-Metadata-Token-Ttl-Seconds") {
			t.Errorf("TTL %q: HTTP %d %s, want 400 naming the header", ttl, a.status, a.body)
		}
	}
	session := sessionToken(t, metadata, "60")
	for _, tt := range []struct{ name, session string }{{"none", ""}, {"unknown", "not-a-session"}} {
		var headers []string
		if tt.session != "" {
			headers = []string{"X-Metadata-Token", tt.session}
		}
		a := metadataCall(t, metadata, http.MethodGet, securityKeyPath, headers...)
		if a.status != http.StatusUnauthorized || strings.Contains(string(a.body), "Agency") {
			t.Errorf("%s session token: HTTP %d %s, want 401 about the session token", tt.name, a.status, a.body)
		}
	}
	clock.advance(59 * time.Second)
	securityKey(t, metadata, session, clock.Now().Add(time.Hour))
	clock.advance(time.Second)
	a := metadataCall(t, metadata, http.MethodGet, securityKeyPath, "X-Metadata-Token", session)
	if a.status != http.StatusUnauthorized {
		t.Errorf("expired session token: HTTP %d %s, want 401", a.status, a.body)
	}
	wantNoneOf(t, "expired session token", a.body, session)
}

// An older service without v2: the PUT answers 404 or 405 and the GET
// needs no token.
func TestMetadataV1(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed} {
		_, clock, base, metadata := withMetadata(t, emulator.Metadata{Agency: true, TokenPUTStatus: status})
		if a := metadataCall(t, metadata, http.MethodPut, metadataTokenPath, "X-Metadata-Token-Ttl-Seconds", "21600"); a.status != status {
			t.Errorf("PUT: HTTP %d, want %d", a.status, status)
		}
		cred := securityKey(t, metadata, "", clock.Now().Add(time.Hour))
		wantOK(t, do(t, signedAt(clock, cred), deployInfo(t, base)))
	}
}

// Without an agency ECS answers 401 with the text Huawei's SDKs look for,
// in v2 (after the session check) and in v1.
func TestMetadataWithoutAgency(t *testing.T) {
	for _, m := range []emulator.Metadata{{}, {TokenPUTStatus: http.StatusNotFound}} {
		srv, _, _, metadata := withMetadata(t, m)
		var headers []string
		if m.TokenPUTStatus == 0 {
			headers = []string{"X-Metadata-Token", sessionToken(t, metadata, "300")}
		}
		a := metadataCall(t, metadata, http.MethodGet, securityKeyPath, headers...)
		if a.status != http.StatusUnauthorized || !strings.Contains(string(a.body), "Please configure Cloud Service Agency first") {
			t.Errorf("%+v: HTTP %d %s, want 401 saying to configure an agency", m, a.status, a.body)
		}
		if n := srv.MetadataCredentialsIssued(); n != 0 {
			t.Errorf("MetadataCredentialsIssued %d without an agency, want 0", n)
		}
	}
}

// Other paths are 404, other methods 405; all are recorded on the
// metadata listener, the session token with them and nowhere else.
func TestMetadataPathsAndRecords(t *testing.T) {
	srv, _, base, metadata := withMetadata(t, emulator.Metadata{Agency: true})
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/openstack/latest/meta_data.json", http.StatusNotFound},
		{http.MethodGet, "/", http.StatusNotFound},
		{http.MethodPost, securityKeyPath, http.StatusMethodNotAllowed},
		{http.MethodGet, metadataTokenPath, http.StatusMethodNotAllowed},
	} {
		if a := metadataCall(t, metadata, tt.method, tt.path); a.status != tt.status {
			t.Errorf("%s %s: HTTP %d, want %d", tt.method, tt.path, a.status, tt.status)
		}
	}
	session := sessionToken(t, metadata, "300")
	securityKey(t, metadata, session, srv.Now().Add(time.Hour))
	wantOK(t, do(t, http.DefaultTransport, withToken(t, base, token)))

	var onMetadata int
	for _, r := range srv.Requests() {
		switch r.Listener {
		case emulator.ListenerMetadata:
			onMetadata++
			if r.Status == 0 || r.Path == "" {
				t.Errorf("recorded %+v without its status or path", r)
			}
		case emulator.ListenerServiceStage:
			for name, values := range r.Header {
				if strings.Contains(strings.Join(values, ","), session) {
					t.Errorf("the session token reached ServiceStage in %s", name)
				}
			}
		default:
			t.Errorf("recorded %+v on an unknown listener", r)
		}
	}
	if onMetadata != 6 {
		t.Errorf("%d requests recorded on the metadata listener, want 6", onMetadata)
	}
	last := srv.Requests()
	if r := last[len(last)-2]; r.Path != securityKeyPath || r.Header.Get("X-Metadata-Token") != session {
		t.Errorf("recorded %+v, want the securitykey GET with its session token", r)
	}
}
