package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testPassword = "pa$$w0rd-DO-NOT-LEAK"

// fakeIAM is an IAM token endpoint that hands out token-1, token-2, ... and
// counts the logins it receives.
type fakeIAM struct {
	*httptest.Server
	logins atomic.Int64
	// entered, when set, is told of each login as it arrives; gate, when
	// set, holds every answer until it is closed.
	entered chan struct{}
	gate    chan struct{}
	// expiresAt gives token.expires_at; nil or "" omits it.
	expiresAt func() string
	projectID string

	mu       sync.Mutex
	lastBody map[string]any
	lastReq  *http.Request
}

func newFakeIAM(t *testing.T) *fakeIAM {
	iam := &fakeIAM{}
	iam.Server = httptest.NewServer(http.HandlerFunc(iam.serve))
	t.Cleanup(iam.Close)
	return iam
}

func (iam *fakeIAM) serve(w http.ResponseWriter, r *http.Request) {
	n := iam.logins.Add(1)
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	iam.mu.Lock()
	iam.lastBody, iam.lastReq = body, r
	iam.mu.Unlock()
	if iam.entered != nil {
		iam.entered <- struct{}{}
	}
	if iam.gate != nil {
		<-iam.gate
	}

	if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" || r.URL.RawQuery != "nocatalog=true" {
		http.Error(w, "unexpected "+r.Method+" "+r.URL.String(), http.StatusNotFound)
		return
	}
	w.Header().Set("X-Subject-Token", fmt.Sprintf("token-%d", n))
	token := map[string]any{"methods": []string{"password"}}
	if iam.expiresAt != nil {
		if exp := iam.expiresAt(); exp != "" {
			token["expires_at"] = exp
		}
	}
	if iam.projectID != "" {
		token["project"] = map[string]any{"id": iam.projectID, "name": "ap-southeast-3"}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": token})
}

func passwordConfig(iam *fakeIAM, clock *fakeClock) PasswordConfig {
	return PasswordConfig{
		AuthURL:    iam.URL + "/v3",
		UserName:   "alice",
		Password:   testPassword,
		DomainName: "example-domain",
		ProjectID:  "0123456789abcdef0123456789abcdef",
		Region:     "ap-southeast-3",
		Sender:     Sender{HTTPClient: iam.Client(), UserAgent: "terraform-provider-servicestage/test"},
		Now:        clock.Now,
	}
}

// passwordCache is what a provider uses for password authentication.
func passwordCache(iam *fakeIAM, clock *fakeClock) *Cache {
	return NewCache(NewPasswordSource(passwordConfig(iam, clock)), clock.Now)
}

func mustToken(t *testing.T, p Provider) string {
	t.Helper()
	return mustCredential(t, p).Token
}

func TestPasswordSourceRequest(t *testing.T) {
	user := map[string]any{"name": "alice", "password": testPassword, "domain": map[string]any{"name": "example-domain"}}
	identity := map[string]any{"methods": []any{"password"}, "password": map[string]any{"user": user}}

	tests := []struct {
		name      string
		projectID string
		scope     map[string]any
	}{
		{"scoped by project ID", "0123456789abcdef0123456789abcdef", map[string]any{"id": "0123456789abcdef0123456789abcdef"}},
		{"scoped by region name", "", map[string]any{"name": "ap-southeast-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iam := newFakeIAM(t)
			cfg := passwordConfig(iam, newFakeClock())
			cfg.ProjectID = tt.projectID
			cred, err := NewPasswordSource(cfg).Retrieve(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if cred.Token != "token-1" {
				t.Errorf("token = %q, want token-1 from X-Subject-Token", cred.Token)
			}
			if cred.Keys != (KeyPair{}) {
				t.Errorf("a token credential carries keys %+v", cred.Keys)
			}
			want := map[string]any{"auth": map[string]any{
				"identity": identity,
				"scope":    map[string]any{"project": tt.scope},
			}}
			iam.mu.Lock()
			defer iam.mu.Unlock()
			if !reflect.DeepEqual(iam.lastBody, want) {
				t.Errorf("request body\n%v\nwant\n%v", iam.lastBody, want)
			}
			if ct := iam.lastReq.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if ua := iam.lastReq.Header.Get("User-Agent"); ua != "terraform-provider-servicestage/test" {
				t.Errorf("User-Agent = %q", ua)
			}
		})
	}
}

func TestPasswordSourceReadsExpiryAndProject(t *testing.T) {
	iam := newFakeIAM(t)
	clock := newFakeClock()
	expires := clockStart.Add(90 * time.Minute)
	iam.expiresAt = func() string { return iamTime(expires) }
	iam.projectID = "fedcba9876543210fedcba9876543210"
	cred, err := NewPasswordSource(passwordConfig(iam, clock)).Retrieve(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !cred.ExpiresAt.Equal(expires) || cred.ProjectID != iam.projectID {
		t.Errorf("credential expires %v in project %q, want %v and %q", cred.ExpiresAt, cred.ProjectID, expires, iam.projectID)
	}
}

func TestPasswordCacheIsLazy(t *testing.T) {
	iam := newFakeIAM(t)
	passwordCache(iam, newFakeClock())
	if n := iam.logins.Load(); n != 0 {
		t.Errorf("%d logins before the first Credential call, want 0", n)
	}
}

func TestPasswordConcurrentCallersShareOneLogin(t *testing.T) {
	iam := newFakeIAM(t)
	iam.entered, iam.gate = make(chan struct{}, 30), make(chan struct{})
	cache := passwordCache(iam, newFakeClock())

	const callers = 30
	tokens := make([]string, callers)
	errs := make([]error, callers)
	var calling sync.WaitGroup
	calling.Add(callers)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() {
			calling.Done()
			cred, err := cache.Credential(t.Context())
			tokens[i], errs[i] = cred.Token, err
		})
	}
	<-iam.entered   // the login is under way ...
	calling.Wait()  // ... and every caller has come to ask
	close(iam.gate) // before IAM answers
	wg.Wait()

	for i := range tokens {
		if errs[i] != nil || tokens[i] != "token-1" {
			t.Errorf("caller %d got %q, %v; want token-1", i, tokens[i], errs[i])
		}
	}
	if n := iam.logins.Load(); n != 1 {
		t.Errorf("%d IAM logins for %d concurrent callers, want 1", n, callers)
	}
}

func TestPasswordTokenRenewedBeforeExpiry(t *testing.T) {
	iam := newFakeIAM(t)
	clock := newFakeClock()
	iam.expiresAt = func() string { return iamTime(clock.Now().Add(time.Hour)) }
	cache := passwordCache(iam, clock)

	steps := []struct {
		at         time.Duration
		wantToken  string
		wantLogins int64
	}{
		{0, "token-1", 1},
		{54 * time.Minute, "token-1", 1},             // more than 5 minutes left
		{55*time.Minute + time.Second, "token-2", 2}, // within 5 minutes of expiry
		{56 * time.Minute, "token-2", 2},             // the new token lives from its own issue
	}
	for _, step := range steps {
		clock.Set(clockStart.Add(step.at))
		if got := mustToken(t, cache); got != step.wantToken {
			t.Errorf("at +%v: token %q, want %q", step.at, got, step.wantToken)
		}
		if n := iam.logins.Load(); n != step.wantLogins {
			t.Errorf("at +%v: %d logins, want %d", step.at, n, step.wantLogins)
		}
	}
}

func TestPasswordTokenAssumes24HoursWithoutExpiry(t *testing.T) {
	for _, expiry := range []string{"", "next tuesday"} {
		t.Run(fmt.Sprintf("expires_at %q", expiry), func(t *testing.T) {
			iam := newFakeIAM(t)
			iam.expiresAt = func() string { return expiry }
			clock := newFakeClock()
			cache := passwordCache(iam, clock)

			mustToken(t, cache)
			clock.Set(clockStart.Add(23*time.Hour + 54*time.Minute))
			if got := mustToken(t, cache); got != "token-1" {
				t.Errorf("token renewed early: %q", got)
			}
			clock.Set(clockStart.Add(23*time.Hour + 56*time.Minute))
			if got := mustToken(t, cache); got != "token-2" {
				t.Errorf("token not renewed near the assumed 24h expiry: %q", got)
			}
		})
	}
}

func TestPasswordTokenInvalidate(t *testing.T) {
	iam := newFakeIAM(t)
	cache := passwordCache(iam, newFakeClock())
	stale := mustCredential(t, cache)

	cache.Invalidate(Credential{Token: "not-the-current-token"})
	if got := mustToken(t, cache); got != stale.Token || iam.logins.Load() != 1 {
		t.Fatalf("invalidating another token dropped the cache")
	}

	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			cache.Invalidate(stale)
			if got, err := cache.Credential(t.Context()); err != nil || got.Token != "token-2" {
				t.Errorf("after invalidation got %q, %v; want token-2", got.Token, err)
			}
		})
	}
	wg.Wait()
	if n := iam.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2: 30 invalidations of one stale token must refetch once", n)
	}
}

func TestPasswordWaiterHonoursItsContext(t *testing.T) {
	iam := newFakeIAM(t)
	iam.entered, iam.gate = make(chan struct{}, 1), make(chan struct{})
	cache := passwordCache(iam, newFakeClock())

	// A first caller starts the login and waits for it.
	first := make(chan error, 1)
	go func() { _, err := cache.Credential(t.Context()); first <- err }()
	<-iam.entered

	// An impatient caller gives up without ending the shared login.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := cache.Credential(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Credential with a cancelled context: %v, want Canceled", err)
	}
	close(iam.gate)
	if err := <-first; err != nil {
		t.Fatalf("the first caller: %v", err)
	}
	if got := mustToken(t, cache); got != "token-1" || iam.logins.Load() != 1 {
		t.Errorf("got %q after %d logins, want token-1 from the first login", got, iam.logins.Load())
	}
}

func TestPasswordLoginOutlivesTheCallerThatStartedIt(t *testing.T) {
	iam := newFakeIAM(t)
	iam.entered, iam.gate = make(chan struct{}, 1), make(chan struct{})
	cache := passwordCache(iam, newFakeClock())

	ctx, cancel := context.WithCancel(t.Context())
	started := make(chan error, 1)
	go func() { _, err := cache.Credential(ctx); started <- err }()
	<-iam.entered
	cancel() // the read that started the login is cancelled ...
	if err := <-started; !errors.Is(err, context.Canceled) {
		t.Fatalf("the cancelled starter got %v, want Canceled", err)
	}
	waiter := make(chan Credential, 1)
	go func() {
		cred, err := cache.Credential(t.Context())
		if err != nil {
			t.Error(err)
		}
		waiter <- cred
	}()
	close(iam.gate) // ... but the login goes on for the others
	if got := <-waiter; got.Token != "token-1" || iam.logins.Load() != 1 {
		t.Errorf("got %q after %d logins, want token-1 from the one login", got.Token, iam.logins.Load())
	}
}

// A login ends at the deadline of the read that started it: nothing goes
// on past timeouts.read.
func TestPasswordLoginEndsAtTheStartersDeadline(t *testing.T) {
	iam := newFakeIAM(t)
	clock := newFakeClock()
	cfg := passwordConfig(iam, clock)
	var loginDeadline time.Time
	var hasDeadline bool
	cfg.Do = func(hc *http.Client, req *http.Request) (*http.Response, error) {
		loginDeadline, hasDeadline = req.Context().Deadline()
		return hc.Do(req)
	}
	cache := NewCache(NewPasswordSource(cfg), clock.Now)
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	if _, err := cache.Credential(ctx); err != nil {
		t.Fatal(err)
	}
	if want, _ := ctx.Deadline(); !hasDeadline || !loginDeadline.Equal(want) {
		t.Errorf("the login's deadline is %v, want the read's %v", loginDeadline, want)
	}
}

func TestPasswordLoginWithoutDeadlineIsBounded(t *testing.T) {
	iam := newFakeIAM(t)
	clock := newFakeClock()
	cfg := passwordConfig(iam, clock)
	var hasDeadline bool
	var left time.Duration
	cfg.Do = func(hc *http.Client, req *http.Request) (*http.Response, error) {
		var deadline time.Time
		deadline, hasDeadline = req.Context().Deadline()
		left = time.Until(deadline)
		return hc.Do(req)
	}
	if _, err := NewCache(NewPasswordSource(cfg), clock.Now).Credential(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !hasDeadline || left > fetchTimeout {
		t.Errorf("a login started without a deadline has deadline %v (%v left), want one within %v", hasDeadline, left, fetchTimeout)
	}
}

func TestPasswordSourceNeedsScope(t *testing.T) {
	iam := newFakeIAM(t)
	cfg := passwordConfig(iam, newFakeClock())
	cfg.ProjectID, cfg.Region = "", ""
	_, err := NewPasswordSource(cfg).Retrieve(t.Context())
	if err == nil || !strings.Contains(err.Error(), "project_id or region") {
		t.Errorf("error %v, want one asking for project_id or region", err)
	}
	if iam.logins.Load() != 0 {
		t.Error("IAM was called without a scope")
	}
}

func TestPasswordSourceNamesMissingSettings(t *testing.T) {
	iam := newFakeIAM(t)
	cfg := passwordConfig(iam, newFakeClock())
	cfg.UserName, cfg.DomainName = "", ""
	_, err := NewPasswordSource(cfg).Retrieve(t.Context())
	if err == nil {
		t.Fatal("a login without user_name and domain_name succeeded")
	}
	assertContains(t, "error", err.Error(), "user_name", "domain_name")
	if iam.logins.Load() != 0 {
		t.Error("IAM was called without a user")
	}
}

// failingIAM answers every login with status and body.
func failingIAM(t *testing.T, status int, body string) (*fakeIAM, *atomic.Int64) {
	var logins atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logins.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "req-from-header")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return &fakeIAM{Server: srv}, &logins
}

func TestPasswordSourceIAMErrors(t *testing.T) {
	type fields struct {
		StatusCode               int
		Code, Message, RequestID string
	}
	tests := []struct {
		name   string
		status int
		body   string
		want   fields
	}{
		{
			"huawei shape", http.StatusUnauthorized,
			`{"error_code":"IAM.0002","error_msg":"The username or password is wrong.","request_id":"req-from-body"}`,
			fields{401, "IAM.0002", "The username or password is wrong.", "req-from-header"},
		},
		{
			"keystone shape with a numeric code", http.StatusUnauthorized,
			`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`,
			fields{401, "401", "The request you have made requires authentication.", "req-from-header"},
		},
		{
			"keystone shape with a string code", http.StatusForbidden,
			`{"error":{"code":"IAM.0101","message":"","title":"Forbidden"}}`,
			fields{403, "IAM.0101", "Forbidden", "req-from-header"},
		},
		{
			"password echoed back is masked", http.StatusBadRequest,
			`{"error_code":"IAM.0011","error_msg":"bad password ` + testPassword + `"}`,
			fields{400, "IAM.0011", "bad password ***", "req-from-header"},
		},
		{
			"not JSON", http.StatusBadGateway, "<html>bad gateway</html>",
			fields{502, "", "<html>bad gateway</html>", "req-from-header"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iam, _ := failingIAM(t, tt.status, tt.body)
			_, err := NewPasswordSource(passwordConfig(iam, newFakeClock())).Retrieve(t.Context())

			iamErr := asError[*IAMError](t, err)
			got := fields{iamErr.StatusCode, iamErr.Code, iamErr.Message, iamErr.RequestID}
			if got != tt.want || iamErr.Exchange != PasswordExchange {
				t.Errorf("IAMError %+v (exchange %d), want %+v (the password exchange)", got, iamErr.Exchange, tt.want)
			}
			msg := err.Error()
			wants := []string{fmt.Sprint(tt.status), tt.want.Code, tt.want.Message, "req-from-header", "user_name", "password", "domain_name", "auth_url"}
			if iamErr.Transient() {
				// IAM's own trouble: the diagnostic must not blame the password.
				wants = []string{fmt.Sprint(tt.status), tt.want.Message, "req-from-header", "trouble at IAM", "not a refusal of user_name or password"}
				if strings.Contains(msg, "check user_name") {
					t.Errorf("error %q blames the credentials for IAM's trouble", msg)
				}
			}
			assertContains(t, "error", msg, wants...)
			assertLacks(t, "error", msg, testPassword)
		})
	}
}

// A proxy's page quoting the password past the excerpt's cut must not
// leave a piece of it in the message.
func TestPasswordSourceMasksThePasswordInACutExcerpt(t *testing.T) {
	body := "<html>" + strings.Repeat("x", maxErrorSnippet-20) + " " + testPassword + "</html>"
	iam, _ := failingIAM(t, http.StatusBadRequest, body)
	_, err := NewPasswordSource(passwordConfig(iam, newFakeClock())).Retrieve(t.Context())
	if err == nil {
		t.Fatal("Retrieve succeeded against a refusing IAM")
	}
	assertLacks(t, "error", err.Error(), testPassword[:8])
}

func TestPasswordRefusalIsNotRetried(t *testing.T) {
	// Repeating a wrong password can lock the IAM user out.
	iam, logins := failingIAM(t, http.StatusUnauthorized, `{"error_code":"IAM.0002","error_msg":"wrong"}`)
	clock := newFakeClock()
	cache := passwordCache(iam, clock)
	for range 3 {
		_ = mustFail(t, cache)
		clock.Advance(time.Hour)
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins with refused credentials, want 1", n)
	}
}

func TestPasswordServerErrorsAreRetried(t *testing.T) {
	iam, logins := failingIAM(t, http.StatusServiceUnavailable, `{"error_code":"IAM.0006","error_msg":"busy"}`)
	cache := passwordCache(iam, newFakeClock())
	for range 2 {
		err := mustFail(t, cache)
		if !asError[*IAMError](t, err).Transient() {
			t.Errorf("a 503 is not transient: %v", err)
		}
	}
	if n := logins.Load(); n != 2 {
		t.Errorf("%d logins after two 503s, want 2 (transient failures are not remembered)", n)
	}
}

func TestPasswordSourceNeedsSubjectToken(t *testing.T) {
	iam, _ := failingIAM(t, http.StatusCreated, `{"token":{}}`)
	_, err := NewPasswordSource(passwordConfig(iam, newFakeClock())).Retrieve(t.Context())
	if err == nil || !strings.Contains(err.Error(), "X-Subject-Token") {
		t.Errorf("error %v, want one about the missing X-Subject-Token", err)
	}
}

func TestPasswordSourceUsesDo(t *testing.T) {
	iam := newFakeIAM(t)
	cfg := passwordConfig(iam, newFakeClock())
	var sent int
	cfg.Do = func(hc *http.Client, req *http.Request) (*http.Response, error) {
		sent++
		return hc.Do(req)
	}
	if _, err := NewPasswordSource(cfg).Retrieve(t.Context()); err != nil {
		t.Fatal(err)
	}
	if sent != 1 {
		t.Errorf("Do sent %d requests, want the login", sent)
	}
}

func TestFixed(t *testing.T) {
	want := Credential{Token: "fixed"}
	p := Fixed(want)
	p.Invalidate(want)
	if got := mustCredential(t, p); got != want {
		t.Errorf("credential %+v, want %+v", got, want)
	}
}
