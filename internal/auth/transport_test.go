package auth

import (
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
}

func newFakeService(t *testing.T, rejected map[string]string) *fakeService {
	svc := &fakeService{rejected: rejected}
	svc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		svc.requests.Add(1)
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

func TestTokenTransportSetsTokenWithoutTouchingTheRequest(t *testing.T) {
	svc := newFakeService(t, nil)
	rt := &TokenTransport{Source: StaticToken("tok"), Base: svc.Client().Transport}

	req := newRequest(t, http.MethodGet, svc.URL+"/v3/p", nil)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if svc.tokens[0] != "tok" {
		t.Errorf("X-Auth-Token sent = %q, want tok", svc.tokens[0])
	}
	if req.Header.Get("X-Auth-Token") != "" {
		t.Error("the caller's request was modified")
	}
}

func TestTokenTransportRefetchesOnceOnGatewayRejection(t *testing.T) {
	iam := newFakeIAM(t)
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
	client := &http.Client{Transport: &TokenTransport{Source: src, Base: svc.Client().Transport}}

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

func TestTokenTransportRetriesOnlyOnce(t *testing.T) {
	iam := newFakeIAM(t)
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	svc := newFakeService(t, map[string]string{"*": "APIGW.0301"})
	client := &http.Client{Transport: &TokenTransport{Source: src, Base: svc.Client().Transport}}

	status, body := get(t, client, svc.URL+"/v3/p")
	if status != http.StatusUnauthorized || !strings.Contains(body, "APIGW.0301") {
		t.Errorf("got %d %s, want the second 401 with its body", status, body)
	}
	if n := svc.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

func TestTokenTransportLeavesServiceStage401Alone(t *testing.T) {
	// SVCSTG.00100401 is ServiceStage's "not found", not a token problem.
	iam := newFakeIAM(t)
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	svc := newFakeService(t, map[string]string{"*": "SVCSTG.00100401"})
	client := &http.Client{Transport: &TokenTransport{Source: src, Base: svc.Client().Transport}}

	status, body := get(t, client, svc.URL+"/v3/p")
	if status != http.StatusUnauthorized || body != `{"error_code":"SVCSTG.00100401","error_msg":"rejected","request_id":"r1"}` {
		t.Errorf("got %d %q, want the untouched 401", status, body)
	}
	if svc.requests.Load() != 1 || iam.logins.Load() != 1 {
		t.Errorf("%d requests and %d logins, want 1 and 1", svc.requests.Load(), iam.logins.Load())
	}
}

func TestTokenTransportDoesNotResendWhenItCannot(t *testing.T) {
	t.Run("static token", func(t *testing.T) {
		svc := newFakeService(t, map[string]string{"*": "APIGW.0301"})
		client := &http.Client{Transport: &TokenTransport{Source: StaticToken("tok"), Base: svc.Client().Transport}}
		status, body := get(t, client, svc.URL+"/v3/p")
		if status != http.StatusUnauthorized || !strings.Contains(body, "APIGW.0301") || svc.requests.Load() != 1 {
			t.Errorf("got %d %q after %d requests, want one 401 with its body", status, body, svc.requests.Load())
		}
	})

	t.Run("one-shot body", func(t *testing.T) {
		iam := newFakeIAM(t)
		src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
		svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
		rt := &TokenTransport{Source: src, Base: svc.Client().Transport}
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

func TestTokenTransportConcurrentRejectionsRefetchOnce(t *testing.T) {
	iam := newFakeIAM(t)
	iam.delay = 20 * time.Millisecond
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	mustToken(t, src) // token-1 is cached, then goes stale
	svc := newFakeService(t, map[string]string{"token-1": "APIGW.0301"})
	client := &http.Client{Transport: &TokenTransport{Source: src, Base: svc.Client().Transport}}

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

func TestTokenTransportReportsTokenErrors(t *testing.T) {
	srv, _ := failingIAM(t, http.StatusUnauthorized, `{"error_code":"IAM.0002","error_msg":"wrong"}`)
	src := NewPasswordTokenSource(passwordConfig(&fakeIAM{Server: srv}, &fakeClock{now: clockStart}))
	client := &http.Client{Transport: &TokenTransport{Source: src}}

	resp, err := client.Do(newRequest(t, http.MethodGet, "http://127.0.0.1:1/never-called", nil))
	if err == nil {
		resp.Body.Close()
	}
	var iamErr *IAMError
	if !errors.As(err, &iamErr) {
		t.Fatalf("error %v does not wrap an *IAMError", err)
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
	cred := Credentials{AccessKey: "AK", SecretKey: "SK", SecurityToken: "sts"}
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
	rt := &SigningTransport{Credentials: Credentials{AccessKey: "AK"}}
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
