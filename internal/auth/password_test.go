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
	logins    atomic.Int64
	delay     time.Duration
	expiresAt func() string // "" omits token.expires_at

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
	time.Sleep(iam.delay)

	if r.Method != http.MethodPost || r.URL.Path != "/v3/auth/tokens" || r.URL.RawQuery != "nocatalog=true" {
		http.Error(w, "unexpected "+r.Method+" "+r.URL.String(), http.StatusNotFound)
		return
	}
	w.Header().Set("X-Subject-Token", fmt.Sprintf("token-%d", n))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	token := map[string]any{"methods": []string{"password"}}
	if iam.expiresAt != nil {
		if exp := iam.expiresAt(); exp != "" {
			token["expires_at"] = exp
		}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"token": token})
}

// fakeClock is a settable clock safe for concurrent reads.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

var clockStart = time.Date(2024, 8, 6, 8, 0, 0, 0, time.UTC)

func passwordConfig(iam *fakeIAM, clock *fakeClock) PasswordConfig {
	return PasswordConfig{
		AuthURL:    iam.URL + "/v3",
		UserName:   "alice",
		Password:   testPassword,
		DomainName: "example-domain",
		ProjectID:  "0123456789abcdef0123456789abcdef",
		Region:     "ap-southeast-3",
		HTTPClient: iam.Client(),
		UserAgent:  "terraform-provider-servicestage/test",
		Now:        clock.Now,
	}
}

func mustToken(t *testing.T, src TokenSource) string {
	t.Helper()
	token, err := src.Token(t.Context())
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	return token
}

func TestPasswordTokenSourceRequest(t *testing.T) {
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
			cfg := passwordConfig(iam, &fakeClock{now: clockStart})
			cfg.ProjectID = tt.projectID
			if got := mustToken(t, NewPasswordTokenSource(cfg)); got != "token-1" {
				t.Errorf("token = %q, want token-1 from X-Subject-Token", got)
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

func TestPasswordTokenSourceIsLazy(t *testing.T) {
	iam := newFakeIAM(t)
	NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	if n := iam.logins.Load(); n != 0 {
		t.Errorf("%d logins before the first Token call, want 0", n)
	}
}

func TestPasswordTokenSourceConcurrentCallersShareOneLogin(t *testing.T) {
	iam := newFakeIAM(t)
	iam.delay = 50 * time.Millisecond
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))

	tokens := make([]string, 30)
	errs := make([]error, 30)
	var wg sync.WaitGroup
	for i := range tokens {
		wg.Go(func() { tokens[i], errs[i] = src.Token(t.Context()) })
	}
	wg.Wait()

	for i := range tokens {
		if errs[i] != nil || tokens[i] != "token-1" {
			t.Errorf("caller %d got %q, %v; want token-1", i, tokens[i], errs[i])
		}
	}
	if n := iam.logins.Load(); n != 1 {
		t.Errorf("%d IAM logins for 30 concurrent callers, want 1", n)
	}
}

func TestPasswordTokenSourceRefreshesBeforeExpiry(t *testing.T) {
	iam := newFakeIAM(t)
	clock := &fakeClock{now: clockStart}
	iam.expiresAt = func() string { return clock.Now().Add(time.Hour).Format("2006-01-02T15:04:05.000000Z") }
	src := NewPasswordTokenSource(passwordConfig(iam, clock))

	steps := []struct {
		at         time.Duration
		wantToken  string
		wantLogins int64
	}{
		{0, "token-1", 1},
		{54 * time.Minute, "token-1", 1},             // inside the cache window
		{55*time.Minute + time.Second, "token-2", 2}, // within 5 minutes of expiry
		{56 * time.Minute, "token-2", 2},             // new token cached from its own fetch time
	}
	for _, step := range steps {
		clock.Set(clockStart.Add(step.at))
		if got := mustToken(t, src); got != step.wantToken {
			t.Errorf("at +%v: token %q, want %q", step.at, got, step.wantToken)
		}
		if n := iam.logins.Load(); n != step.wantLogins {
			t.Errorf("at +%v: %d logins, want %d", step.at, n, step.wantLogins)
		}
	}
}

func TestPasswordTokenSourceAssumes24HoursWithoutExpiry(t *testing.T) {
	iam := newFakeIAM(t)
	clock := &fakeClock{now: clockStart}
	src := NewPasswordTokenSource(passwordConfig(iam, clock))

	mustToken(t, src)
	clock.Set(clockStart.Add(23*time.Hour + 54*time.Minute))
	if got := mustToken(t, src); got != "token-1" {
		t.Errorf("token refreshed early: %q", got)
	}
	clock.Set(clockStart.Add(23*time.Hour + 56*time.Minute))
	if got := mustToken(t, src); got != "token-2" {
		t.Errorf("token not refreshed near the assumed 24h expiry: %q", got)
	}
}

func TestPasswordTokenSourceInvalidate(t *testing.T) {
	iam := newFakeIAM(t)
	iam.delay = 20 * time.Millisecond
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))
	stale := mustToken(t, src)

	src.Invalidate("not-the-current-token")
	if got := mustToken(t, src); got != stale || iam.logins.Load() != 1 {
		t.Fatalf("invalidating another token dropped the cache")
	}

	var wg sync.WaitGroup
	for range 30 {
		wg.Go(func() {
			src.Invalidate(stale)
			if got, err := src.Token(t.Context()); err != nil || got != "token-2" {
				t.Errorf("after invalidation got %q, %v; want token-2", got, err)
			}
		})
	}
	wg.Wait()
	if n := iam.logins.Load(); n != 2 {
		t.Errorf("%d logins, want 2: 30 invalidations of one stale token must refetch once", n)
	}
}

func TestPasswordTokenSourceWaiterHonoursContext(t *testing.T) {
	iam := newFakeIAM(t)
	iam.delay = 200 * time.Millisecond
	src := NewPasswordTokenSource(passwordConfig(iam, &fakeClock{now: clockStart}))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := src.Token(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Token with a cancelled context: %v, want Canceled", err)
	}
	// The shared login was not cancelled by the impatient caller.
	if got := mustToken(t, src); got != "token-1" || iam.logins.Load() != 1 {
		t.Errorf("got %q after %d logins, want token-1 from the first login", got, iam.logins.Load())
	}
}

// A login ends at the deadline of the read that started it: nothing goes
// on past timeouts.read.
func TestPasswordLoginEndsAtTheStartersDeadline(t *testing.T) {
	iam := newFakeIAM(t)
	cfg := passwordConfig(iam, &fakeClock{now: clockStart})
	var loginDeadline time.Time
	cfg.Do = func(hc *http.Client, req *http.Request) (*http.Response, error) {
		loginDeadline, _ = req.Context().Deadline()
		return hc.Do(req)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Hour)
	defer cancel()
	if _, err := NewPasswordTokenSource(cfg).Token(ctx); err != nil {
		t.Fatal(err)
	}
	if want, _ := ctx.Deadline(); !loginDeadline.Equal(want) {
		t.Errorf("the login's deadline is %v, want the read's %v", loginDeadline, want)
	}
}

func TestPasswordTokenSourceNeedsScope(t *testing.T) {
	iam := newFakeIAM(t)
	cfg := passwordConfig(iam, &fakeClock{now: clockStart})
	cfg.ProjectID, cfg.Region = "", ""
	_, err := NewPasswordTokenSource(cfg).Token(t.Context())
	if err == nil || !strings.Contains(err.Error(), "project_id or region") {
		t.Errorf("error %v, want one asking for project_id or region", err)
	}
	if iam.logins.Load() != 0 {
		t.Error("IAM was called without a scope")
	}
}

// failingIAM answers every login with status and body.
func failingIAM(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int64) {
	var logins atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		logins.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("X-Request-Id", "req-from-header")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &logins
}

func TestPasswordTokenSourceIAMErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   IAMError
	}{
		{
			"huawei shape", http.StatusUnauthorized,
			`{"error_code":"IAM.0002","error_msg":"The username or password is wrong.","request_id":"req-from-body"}`,
			IAMError{401, "IAM.0002", "The username or password is wrong.", "req-from-header"},
		},
		{
			"keystone shape with a numeric code", http.StatusUnauthorized,
			`{"error":{"code":401,"message":"The request you have made requires authentication.","title":"Unauthorized"}}`,
			IAMError{401, "401", "The request you have made requires authentication.", "req-from-header"},
		},
		{
			"keystone shape with a string code", http.StatusForbidden,
			`{"error":{"code":"IAM.0101","message":"","title":"Forbidden"}}`,
			IAMError{403, "IAM.0101", "Forbidden", "req-from-header"},
		},
		{
			"password echoed back is masked", http.StatusBadRequest,
			`{"error_code":"IAM.0011","error_msg":"bad password ` + testPassword + `"}`,
			IAMError{400, "IAM.0011", "bad password ***", "req-from-header"},
		},
		{
			"not JSON", http.StatusBadGateway, "<html>bad gateway</html>",
			IAMError{502, "", "<html>bad gateway</html>", "req-from-header"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := failingIAM(t, tt.status, tt.body)
			cfg := passwordConfig(&fakeIAM{Server: srv}, &fakeClock{now: clockStart})
			_, err := NewPasswordTokenSource(cfg).Token(t.Context())

			var iamErr *IAMError
			if !errors.As(err, &iamErr) {
				t.Fatalf("error %v (%T) is not an *IAMError", err, err)
			}
			if *iamErr != tt.want {
				t.Errorf("IAMError %+v, want %+v", *iamErr, tt.want)
			}
			msg := err.Error()
			wants := []string{fmt.Sprint(tt.status), tt.want.Code, tt.want.Message, "req-from-header", "user_name", "password", "domain_name", "auth_url"}
			if tt.want.Transient() {
				// IAM's own trouble: the diagnostic must not blame the password.
				wants = []string{fmt.Sprint(tt.status), tt.want.Message, "req-from-header", "trouble at IAM", "not a refusal of user_name or password"}
				if strings.Contains(msg, "check user_name") {
					t.Errorf("error %q blames the credentials for IAM's trouble", msg)
				}
			}
			for _, want := range wants {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if strings.Contains(msg, testPassword) {
				t.Errorf("error leaks the password: %q", msg)
			}
		})
	}
}

func TestPasswordTokenSourceDoesNotRetryRefusedCredentials(t *testing.T) {
	// Repeating a wrong password can lock the IAM user out.
	srv, logins := failingIAM(t, http.StatusUnauthorized, `{"error_code":"IAM.0002","error_msg":"wrong"}`)
	src := NewPasswordTokenSource(passwordConfig(&fakeIAM{Server: srv}, &fakeClock{now: clockStart}))
	for range 3 {
		if _, err := src.Token(t.Context()); err == nil {
			t.Fatal("Token succeeded against a refusing IAM")
		}
	}
	if n := logins.Load(); n != 1 {
		t.Errorf("%d logins with refused credentials, want 1", n)
	}
}

func TestPasswordTokenSourceRetriesServerErrors(t *testing.T) {
	srv, logins := failingIAM(t, http.StatusServiceUnavailable, `{"error_code":"IAM.0006","error_msg":"busy"}`)
	src := NewPasswordTokenSource(passwordConfig(&fakeIAM{Server: srv}, &fakeClock{now: clockStart}))
	for range 2 {
		if _, err := src.Token(t.Context()); err == nil {
			t.Fatal("Token succeeded against a failing IAM")
		}
	}
	if n := logins.Load(); n != 2 {
		t.Errorf("%d logins after two 503s, want 2 (transient failures are not cached)", n)
	}
}

func TestPasswordTokenSourceNeedsSubjectToken(t *testing.T) {
	srv, _ := failingIAM(t, http.StatusCreated, `{"token":{}}`)
	_, err := NewPasswordTokenSource(passwordConfig(&fakeIAM{Server: srv}, &fakeClock{now: clockStart})).Token(t.Context())
	if err == nil || !strings.Contains(err.Error(), "X-Subject-Token") {
		t.Errorf("error %v, want one about the missing X-Subject-Token", err)
	}
}

func TestStaticToken(t *testing.T) {
	src := StaticToken("fixed")
	src.Invalidate("fixed")
	if got := mustToken(t, src); got != "fixed" {
		t.Errorf("token %q, want fixed", got)
	}
	if _, err := StaticToken("").Token(t.Context()); err == nil {
		t.Error("an empty static token was accepted")
	}
}
