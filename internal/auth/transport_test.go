package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeService answers like ServiceStage behind the API gateway: a token
// listed in rejected gets the gateway's 401; anything else gets reply.
type fakeService struct {
	*httptest.Server
	requests atomic.Int64

	mu       sync.Mutex
	rejected map[string]string // token -> error_code of the 401
	tokens   []string
	bodies   []string
	// barrier, when set, holds the first barrierAt requests until all
	// of them have arrived.
	barrier   chan struct{}
	barrierAt int64
}

func newFakeService(t *testing.T, rejected map[string]string) *fakeService {
	svc := &fakeService{rejected: rejected}
	svc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := svc.requests.Add(1); svc.barrier != nil {
			if n == svc.barrierAt {
				close(svc.barrier)
			}
			if n <= svc.barrierAt {
				<-svc.barrier
			}
		}
		token := r.Header.Get("X-Auth-Token")
		body, _ := io.ReadAll(r.Body)
		svc.mu.Lock()
		svc.tokens = append(svc.tokens, token)
		svc.bodies = append(svc.bodies, string(body))
		code, reject := svc.rejected[token]
		if !reject {
			code, reject = svc.rejected["*"]
		}
		svc.mu.Unlock()

		w.Header().Set("Content-Type", "application/json")
		if reject {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error_code":%q,"error_msg":"rejected","request_id":"r1"}`, code)
			return
		}
		fmt.Fprint(w, `{"id":"ok"}`)
	}))
	t.Cleanup(svc.Close)
	return svc
}

func get(t *testing.T, client *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := client.Do(newRequest(t, http.MethodGet, url, nil))
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp.StatusCode, string(body)
}

func TestTransportSetsTokenWithoutTouchingTheRequest(t *testing.T) {
	svc := newFakeService(t, nil)
	rt := &Transport{Credentials: Fixed(Credential{Token: "tok"}), Base: svc.Client().Transport}

	req := newRequest(t, http.MethodGet, svc.URL+"/v3/p", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if svc.tokens[0] != "tok" {
		t.Errorf("X-Auth-Token sent = %q, want tok", svc.tokens[0])
	}
	if req.Header.Get("X-Auth-Token") != "" || req.Header.Get("Authorization") != "" {
		t.Error("the caller's request was modified")
	}
}

func TestTransportRefetchesOnceOnGatewayRejection(t *testing.T) {
	iam := newFakeIAM(t)
	src := passwordCache(iam, newFakeClock())
	svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
	client := &http.Client{Transport: &Transport{Credentials: src, Base: svc.Client().Transport}}

	resp, err := client.Do(newRequest(t, http.MethodPost, svc.URL+"/v3/p/execute", strings.NewReader(`{"a":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	if resp.StatusCode != http.StatusOK || string(body) != `{"id":"ok"}` {
		t.Errorf("got %d %s, want the retried request's 200", resp.StatusCode, body)
	}
	if got := strings.Join(svc.tokens, ","); got != "token-1,token-2" {
		t.Errorf("tokens sent %s, want token-1,token-2", got)
	}
	if got := strings.Join(svc.bodies, ","); got != `{"a":1},{"a":1}` {
		t.Errorf("bodies sent %s, want the body twice", got)
	}
	if n := iam.logins.Load(); n != 2 {
		t.Errorf("%d IAM logins, want 2", n)
	}
}

func TestTransportRetriesOnlyOnce(t *testing.T) {
	iam := newFakeIAM(t)
	src := passwordCache(iam, newFakeClock())
	svc := newFakeService(t, map[string]string{"*": "APIGW.0301"})
	client := &http.Client{Transport: &Transport{Credentials: src, Base: svc.Client().Transport}}

	status, body := get(t, client, svc.URL+"/v3/p")
	if status != http.StatusUnauthorized || !strings.Contains(body, "APIGW.0301") {
		t.Errorf("got %d %s, want the second 401 with its body", status, body)
	}
	if n := svc.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestTransportLeavesServiceStage401Alone(t *testing.T) {
	// SVCSTG.00100401 is ServiceStage's "not found", not a token problem.
	iam := newFakeIAM(t)
	src := passwordCache(iam, newFakeClock())
	svc := newFakeService(t, map[string]string{"*": "SVCSTG.00100401"})
	client := &http.Client{Transport: &Transport{Credentials: src, Base: svc.Client().Transport}}

	status, body := get(t, client, svc.URL+"/v3/p")
	if status != http.StatusUnauthorized || body != `{"error_code":"SVCSTG.00100401","error_msg":"rejected","request_id":"r1"}` {
		t.Errorf("got %d %q, want the untouched 401", status, body)
	}
	if svc.requests.Load() != 1 || iam.logins.Load() != 1 {
		t.Errorf("%d requests and %d logins, want 1 and 1", svc.requests.Load(), iam.logins.Load())
	}
}

func TestTransportDoesNotResendWhenItCannot(t *testing.T) {
	t.Run("fixed token", func(t *testing.T) {
		svc := newFakeService(t, map[string]string{"*": "APIGW.0301"})
		client := &http.Client{Transport: &Transport{Credentials: Fixed(Credential{Token: "tok"}), Base: svc.Client().Transport}}
		status, body := get(t, client, svc.URL+"/v3/p")
		if status != http.StatusUnauthorized || !strings.Contains(body, "APIGW.0301") || svc.requests.Load() != 1 {
			t.Errorf("got %d %q after %d requests, want one 401 with its body", status, body, svc.requests.Load())
		}
	})

	t.Run("one-shot body", func(t *testing.T) {
		iam := newFakeIAM(t)
		src := passwordCache(iam, newFakeClock())
		svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
		rt := &Transport{Credentials: src, Base: svc.Client().Transport}
		req := newRequest(t, http.MethodPost, svc.URL+"/v3/p", io.NopCloser(strings.NewReader("x")))
		req.GetBody = nil
		resp, err := rt.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || svc.requests.Load() != 1 {
			t.Errorf("got %d after %d requests, want one 401", resp.StatusCode, svc.requests.Load())
		}
	})
}

func TestTransportConcurrentRejectionsRefetchOnce(t *testing.T) {
	iam := newFakeIAM(t)
	src := passwordCache(iam, newFakeClock())
	mustToken(t, src) // token-1 is cached, then goes stale
	svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
	// All 30 requests are refused together, with the same stale token.
	svc.barrier, svc.barrierAt = make(chan struct{}), 30
	client := &http.Client{Transport: &Transport{Credentials: src, Base: svc.Client().Transport}}

	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			resp, err := client.Do(newRequest(t, http.MethodGet, svc.URL+"/v3/p", nil))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d, want 200", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if n := iam.logins.Load(); n != 2 {
		t.Errorf("%d IAM logins, want 2 (the first and one refetch)", n)
	}
}

func TestTransportReportsCredentialErrors(t *testing.T) {
	iam, _ := failingIAM(t, http.StatusUnauthorized, `{"error_code":"IAM.0002","error_msg":"wrong"}`)
	src := passwordCache(iam, newFakeClock())
	client := &http.Client{Transport: &Transport{Credentials: src}}

	resp, err := client.Do(newRequest(t, http.MethodGet, "http://127.0.0.1:1/never-called", nil))
	if err == nil {
		resp.Body.Close()
	}
	_ = asError[*IAMError](t, err)
	if credErr := asError[*CredentialError](t, err); !credErr.NotSent() {
		t.Error("a request that was never sent does not say so")
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error leaks the password: %v", err)
	}
}

// retryOn503 is a minimal stand-in for the client's retry layer.
type retryOn503 struct{ next http.RoundTripper }

func (r retryOn503) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		try := req.Clone(req.Context())
		if req.GetBody != nil {
			try.Body, _ = req.GetBody()
		}
		resp, err := r.next.RoundTrip(try)
		if err != nil || resp.StatusCode != http.StatusServiceUnavailable || attempt == 2 {
			return resp, err
		}
		resp.Body.Close()
	}
}

func TestSigningTransportSignsEveryAttemptAfresh(t *testing.T) {
	cred := KeyPair{AccessKey: "AK", SecretKey: "SK", SecurityToken: "sts"}
	type attempt struct{ date, authorization, token string }
	var attempts []attempt
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		attempts = append(attempts, attempt{r.Header.Get("X-Sdk-Date"), r.Header.Get("Authorization"), r.Header.Get("X-Security-Token")})

		// Re-sign what arrived with the date it carries: the signature must
		// survive the trip, body and host included.
		check := r.Clone(t.Context())
		check.Header.Del("Authorization")
		if err := Sign(check, cred, time.Time{}); err != nil {
			t.Errorf("re-signing the received request: %v", err)
		} else if check.Header.Get("Authorization") != r.Header.Get("Authorization") {
			t.Errorf("signature did not survive the trip:\n%s\n%s", r.Header.Get("Authorization"), check.Header.Get("Authorization"))
		}
		if len(attempts) < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()

	tick := clockStart
	clock := func() time.Time { tick = tick.Add(time.Second); return tick }
	client := &http.Client{Transport: retryOn503{&SigningTransport{Credentials: cred, Base: srv.Client().Transport, Now: clock}}}

	req := newRequest(t, http.MethodPost, srv.URL+"/v3/p/cas/release-plans?limit=1", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Sdk-Date", "20000101T000000Z") // stale leftovers must not be reused
	req.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=old, SignedHeaders=host, Signature=00")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if resp.StatusCode != http.StatusOK || len(attempts) != 3 {
		t.Fatalf("status %d after %d attempts, want 200 after 3", resp.StatusCode, len(attempts))
	}
	for i, a := range attempts {
		if want := clockStart.Add(time.Duration(i+1) * time.Second).Format(sdkDateLayout); a.date != want {
			t.Errorf("attempt %d dated %s, want %s", i, a.date, want)
		}
		if a.token != "sts" {
			t.Errorf("attempt %d X-Security-Token = %q", i, a.token)
		}
		if i > 0 && a.authorization == attempts[i-1].authorization {
			t.Errorf("attempt %d reused the previous signature", i)
		}
	}
	if req.Header.Get("X-Sdk-Date") != "20000101T000000Z" || !strings.Contains(req.Header.Get("Authorization"), "Access=old") {
		t.Error("the caller's request was modified")
	}
}

func TestSigningTransportReportsSigningErrors(t *testing.T) {
	rt := &SigningTransport{Credentials: KeyPair{AccessKey: "AK"}}
	if resp, err := rt.RoundTrip(newRequest(t, http.MethodGet, "http://127.0.0.1:1/", nil)); err == nil {
		resp.Body.Close()
		t.Error("RoundTrip without a secret key succeeded")
	}
}

func TestRedactCanonicalRequest(t *testing.T) {
	got := redactCanonicalRequest("GET\n/\n\nhost:h\nx-security-token:secret\n\nhost;x-security-token\n" + emptyHash)
	if strings.Contains(got, "secret") || !strings.Contains(got, "x-security-token:<redacted>") {
		t.Errorf("redacted canonical request %q", got)
	}
}

// keysSource issues AK-1/SK-1/STS-1, AK-2/SK-2/STS-2, ... each valid for an hour.
func keysSource(clock *fakeClock) *stubSource {
	return &stubSource{answer: func(_ context.Context, n int) (Credential, error) {
		return Credential{Keys: KeyPair{AccessKey: fmt.Sprintf("AK-%d", n), SecretKey: fmt.Sprintf("SK-%d", n),
			SecurityToken: fmt.Sprintf("STS-%d", n)}, ExpiresAt: clock.Now().Add(time.Hour)}, nil
	}}
}

// verifySignature re-signs what arrived with keys and the date it carries,
// and reports whether the signature matches.
func verifySignature(t *testing.T, r *http.Request, body []byte, keys KeyPair) bool {
	t.Helper()
	check := r.Clone(t.Context())
	check.Body = io.NopCloser(strings.NewReader(string(body)))
	check.GetBody = nil
	check.Header.Del("Authorization")
	if err := Sign(check, keys, time.Time{}); err != nil {
		t.Errorf("re-signing the received request: %v", err)
		return false
	}
	return check.Header.Get("Authorization") == r.Header.Get("Authorization")
}

func TestTransportResignsWithRenewedKeysOnGatewayRejection(t *testing.T) {
	clock := newFakeClock()
	src := keysSource(clock)
	cache := NewCache(src, clock.Now)
	var mu sync.Mutex
	var signedBy []string
	svc := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		access := ""
		for _, n := range []string{"1", "2"} {
			if verifySignature(t, r, body, KeyPair{AccessKey: "AK-" + n, SecretKey: "SK-" + n, SecurityToken: "STS-" + n}) {
				access = "AK-" + n
			}
		}
		signedBy = append(signedBy, access+"/"+r.Header.Get("X-Security-Token")+"/"+string(body))
		if access != "AK-2" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"id": "ok"})
	})
	client := &http.Client{Transport: &Transport{Credentials: cache, Base: svc.Client().Transport, Now: clock.Now}}

	resp, err := client.Do(newRequest(t, http.MethodPost, svc.URL+"/v3/p/execute", strings.NewReader(`{"a":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want the resent request's 200", resp.StatusCode)
	}
	mu.Lock()
	defer mu.Unlock()
	if got, want := strings.Join(signedBy, ","), `AK-1/STS-1/{"a":1},AK-2/STS-2/{"a":1}`; got != want {
		t.Errorf("attempts %s, want %s", got, want)
	}
	if src.Calls() != 2 {
		t.Errorf("%d retrievals, want 2", src.Calls())
	}
}

func TestTransportKnowsTheGatewaysCodes(t *testing.T) {
	tests := []struct {
		body  string
		retry bool
	}{
		{`{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail"}`, true},
		{`{"error_code":"APIGW.0307","error_msg":"The token must be updated."}`, true},
		{`{"code":"APIG.0301","message":"Incorrect IAM authentication information"}`, true},
		{`{"error_code":"SVCSTG.00100401","error_msg":"not found"}`, false},
		{`{"code":401,"message":"Unauthorized"}`, false},
		{`<html>401 Authorization Required</html>`, false},
		{``, false},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			clock := newFakeClock()
			src := keysSource(clock)
			svc := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, tt.body)
			})
			client := &http.Client{Transport: &Transport{Credentials: NewCache(src, clock.Now), Base: svc.Client().Transport}}
			status, body := get(t, client, svc.URL+"/v3/p")
			if status != http.StatusUnauthorized || body != tt.body {
				t.Errorf("got %d %q, want the 401 with its body intact", status, body)
			}
			wantRequests := 1
			if tt.retry {
				wantRequests = 2
			}
			if n := svc.count(); n != wantRequests {
				t.Errorf("%d requests, want %d", n, wantRequests)
			}
		})
	}
}

// closeTracker is a request body that records whether it was closed.
type closeTracker struct {
	io.Reader
	closed atomic.Bool
}

func (c *closeTracker) Close() error { c.closed.Store(true); return nil }

func TestTransportWithoutCredentialSendsNothing(t *testing.T) {
	svc := newFakeServer(t, func(w http.ResponseWriter, _ *http.Request, _ int, _ []byte) {})
	tests := []struct {
		name  string
		creds Provider
	}{
		{"empty credential", Fixed(Credential{})},
		{"access key without secret", Fixed(Credential{Keys: KeyPair{AccessKey: "AK"}})},
		{"failing source", NewCache(&stubSource{answer: func(context.Context, int) (Credential, error) {
			return Credential{}, errors.New("no credentials here")
		}}, nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := &closeTracker{Reader: strings.NewReader("x")}
			req := newRequest(t, http.MethodPost, svc.URL+"/v3/p", body)
			resp, err := (&Transport{Credentials: tt.creds, Base: svc.Client().Transport}).RoundTrip(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("RoundTrip without a usable credential succeeded")
			}
			if !body.closed.Load() {
				t.Error("the request body was not closed")
			}
		})
	}
	if n := svc.count(); n != 0 {
		t.Errorf("%d requests reached the service, want 0", n)
	}
}
