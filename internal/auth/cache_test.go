package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// tokenSource issues tok-1, tok-2, ... each living for lifetime from the
// clock's now, and fails with the error fail returns, when not nil.
type tokenSource struct {
	stubSource
	clock    *fakeClock
	lifetime time.Duration

	mu      sync.Mutex
	fail    error
	issuedN int
}

func newTokenSource(clock *fakeClock, lifetime time.Duration) *tokenSource {
	s := &tokenSource{clock: clock, lifetime: lifetime}
	s.answer = func(context.Context, int) (Credential, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.fail != nil {
			return Credential{}, s.fail
		}
		return Credential{Token: fmt.Sprintf("tok-%d", s.issued()), ExpiresAt: s.clock.Now().Add(s.lifetime)}, nil
	}
	return s
}

// issued counts the successful answers, the current one included.
func (s *tokenSource) issued() int {
	s.issuedN++
	return s.issuedN
}

func (s *tokenSource) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

// cacheStep is a moment of a cache's life: at that offset from clockStart,
// Credential hands out want (an error when ""), after retrievals calls of
// the source in all.
type cacheStep struct {
	at          time.Duration
	want        string
	retrievals  int
	description string
}

func runSteps(t *testing.T, cache *Cache, clock *fakeClock, src *tokenSource, steps []cacheStep) {
	t.Helper()
	for _, step := range steps {
		clock.Set(clockStart.Add(step.at))
		cred, err := cache.Credential(t.Context())
		switch {
		case step.want == "" && err == nil:
			t.Errorf("at +%v (%s): got %q, want an error", step.at, step.description, cred.Token)
		case step.want != "" && (err != nil || cred.Token != step.want):
			t.Errorf("at +%v (%s): got %q, %v; want %q", step.at, step.description, cred.Token, err, step.want)
		}
		if n := src.Calls(); n != step.retrievals {
			t.Errorf("at +%v (%s): %d retrievals, want %d", step.at, step.description, n, step.retrievals)
		}
	}
}

func TestCacheServesUntilFiveMinutesBeforeExpiry(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	runSteps(t, NewCache(src, clock.Now), clock, src, []cacheStep{
		{0, "tok-1", 1, "first use"},
		{30 * time.Minute, "tok-1", 1, "half its life"},
		{55*time.Minute - time.Nanosecond, "tok-1", 1, "just over 5 minutes left"},
		{55 * time.Minute, "tok-2", 2, "5 minutes left: renewed"},
		{56 * time.Minute, "tok-2", 2, "the new one lives from its own issue"},
		{110*time.Minute - time.Nanosecond, "tok-2", 2, "just over 5 minutes left of the new one"},
		{110 * time.Minute, "tok-3", 3, "and it is renewed in turn"},
	})
}

func TestCacheIsLazy(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	NewCache(src, clock.Now)
	if n := src.Calls(); n != 0 {
		t.Errorf("%d retrievals before the first use, want 0", n)
	}
}

func TestCacheConcurrentReadersAtTheBoundaryRenewOnce(t *testing.T) {
	clock := newFakeClock()
	entered, gate := make(chan struct{}, 1), make(chan struct{})
	src := &stubSource{answer: func(_ context.Context, n int) (Credential, error) {
		if n == 2 {
			entered <- struct{}{}
			<-gate
		}
		return Credential{Token: fmt.Sprintf("tok-%d", n), ExpiresAt: clock.Now().Add(time.Hour)}, nil
	}}
	cache := NewCache(src, clock.Now)
	mustCredential(t, cache)
	clock.Set(clockStart.Add(55 * time.Minute)) // the renewal boundary

	const readers = 50
	got := make([]string, readers)
	errs := make([]error, readers)
	var calling, wg sync.WaitGroup
	calling.Add(readers)
	for i := range readers {
		wg.Go(func() {
			calling.Done()
			cred, err := cache.Credential(t.Context())
			got[i], errs[i] = cred.Token, err
		})
	}
	<-entered // the renewal is under way ...
	calling.Wait()
	close(gate) // ... and every reader has come to ask before it ends
	wg.Wait()

	for i := range readers {
		if errs[i] != nil || got[i] != "tok-2" {
			t.Errorf("reader %d got %q, %v; want the renewed tok-2", i, got[i], errs[i])
		}
	}
	if n := src.Calls(); n != 2 {
		t.Errorf("%d retrievals, want 2: the first and one renewal for %d readers", n, readers)
	}
}

func TestCacheNeverHandsOutAnExpiredCredential(t *testing.T) {
	for _, at := range []time.Duration{
		time.Hour - expirySkew, // within the skew before expiry
		time.Hour,              // at expiry
		2 * time.Hour,          // long past it
	} {
		t.Run(fmt.Sprintf("+%v", at), func(t *testing.T) {
			clock := newFakeClock()
			src := newTokenSource(clock, time.Hour)
			cache := NewCache(src, clock.Now)
			mustCredential(t, cache)
			src.setFail(errors.New("IAM is down"))
			clock.Set(clockStart.Add(at))
			cred, err := cache.Credential(t.Context())
			if err == nil || !strings.Contains(err.Error(), "IAM is down") {
				t.Errorf("got %q, %v; want the renewal's error, not the expired credential", cred.Token, err)
			}
			if cred.Token != "" {
				t.Errorf("an error came with credential %q", cred.Token)
			}
		})
	}
}

func TestCacheFallsBackWhileTheCredentialIsUsable(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	cache := NewCache(src, clock.Now)
	mustCredential(t, cache) // tok-1 expires at +60m, renewed from +55m
	src.setFail(errors.New("IAM is down"))

	runSteps(t, cache, clock, src, []cacheStep{
		{56 * time.Minute, "tok-1", 2, "renewal fails: the current one is served"},
		{56*time.Minute + 29*time.Second, "tok-1", 2, "within the 30 s pause: no new attempt"},
		{56*time.Minute + 30*time.Second, "tok-1", 3, "after the pause: another attempt, which fails"},
		{57 * time.Minute, "tok-1", 4, "and another"},
	})
	src.setFail(nil)
	runSteps(t, cache, clock, src, []cacheStep{
		{57*time.Minute + 29*time.Second, "tok-1", 4, "still in the pause"},
		{57*time.Minute + 30*time.Second, "tok-2", 5, "the source recovered"},
	})
}

func TestCacheFallbackEndsBeforeExpiry(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	cache := NewCache(src, clock.Now)
	mustCredential(t, cache)
	src.setFail(errors.New("IAM is down"))

	runSteps(t, cache, clock, src, []cacheStep{
		{time.Hour - 20*time.Second, "tok-1", 2, "20 s left: served, the pause cut to the last usable moment"},
		{time.Hour - expirySkew - time.Nanosecond, "tok-1", 2, "the last usable moment"},
		{time.Hour - expirySkew, "", 3, "unusable: the error, not the credential"},
		{time.Hour - expirySkew + time.Second, "", 4, "nothing to fall back on: every read asks"},
	})
}

func TestCacheRenewsAShortLivedCredentialEvery30Seconds(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, 4*time.Minute) // less than renewBefore at issue
	runSteps(t, NewCache(src, clock.Now), clock, src, []cacheStep{
		{0, "tok-1", 1, "issued with 4 minutes"},
		{time.Second, "tok-1", 1, "not renewed at the next read"},
		{30*time.Second - time.Nanosecond, "tok-1", 1, "nor within 30 s"},
		{30 * time.Second, "tok-2", 2, "renewed after 30 s"},
		{50 * time.Second, "tok-2", 2, "the new one serves its own 30 s"},
		{60 * time.Second, "tok-3", 3, ""},
	})
}

func TestCacheCredentialShorterThanThePause(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, 20*time.Second)
	runSteps(t, NewCache(src, clock.Now), clock, src, []cacheStep{
		{0, "tok-1", 1, "issued with 20 s"},
		{10*time.Second - time.Nanosecond, "tok-1", 1, "usable until 10 s before expiry"},
		{10 * time.Second, "tok-2", 2, "then renewed, not served stale"},
	})
}

func TestCacheRefusesACredentialIssuedExpired(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, 5*time.Second) // within the skew at issue
	err := mustFail(t, NewCache(src, clock.Now))
	assertContains(t, "error", err.Error(), "clock")
}

func TestCacheNeverRenewsACredentialWithoutExpiry(t *testing.T) {
	clock := newFakeClock()
	src := &stubSource{answer: func(context.Context, int) (Credential, error) { return Credential{Token: "forever"}, nil }}
	cache := NewCache(src, clock.Now)
	for _, at := range []time.Duration{0, time.Hour, 1000 * time.Hour} {
		clock.Set(clockStart.Add(at))
		if got := mustToken(t, cache); got != "forever" {
			t.Errorf("at +%v: %q", at, got)
		}
	}
	if n := src.Calls(); n != 1 {
		t.Errorf("%d retrievals, want 1", n)
	}
}

func TestCacheRemembersLastingRefusals(t *testing.T) {
	tests := []struct {
		name           string
		err            error
		wantRetrievals int
	}{
		{"lasting refusal", lastingError{lasting: true}, 1},
		{"lasting refusal wrapped", fmt.Errorf("exchanging: %w", lastingError{lasting: true}), 1},
		{"refusal that may pass", lastingError{lasting: false}, 3},
		{"plain error", errors.New("connection reset"), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			src := &stubSource{answer: func(context.Context, int) (Credential, error) { return Credential{}, tt.err }}
			cache := NewCache(src, clock.Now)
			for range 3 {
				if err := mustFail(t, cache); !errors.Is(err, tt.err) {
					t.Errorf("error %v, want %v", err, tt.err)
				}
				clock.Advance(time.Minute)
			}
			if n := src.Calls(); n != tt.wantRetrievals {
				t.Errorf("%d retrievals for 3 reads, want %d", n, tt.wantRetrievals)
			}
		})
	}
}

func TestCacheInvalidate(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	cache := NewCache(src, clock.Now)
	first := mustCredential(t, cache)

	cache.Invalidate(Credential{Token: "some-other-token"})
	if got := mustToken(t, cache); got != "tok-1" || src.Calls() != 1 {
		t.Fatalf("invalidating another credential: got %q after %d retrievals, want tok-1 after 1", got, src.Calls())
	}
	cache.Invalidate(first)
	if got := mustToken(t, cache); got != "tok-2" || src.Calls() != 2 {
		t.Fatalf("invalidating the current credential: got %q after %d retrievals, want tok-2 after 2", got, src.Calls())
	}
	cache.Invalidate(first) // an old one, refused late
	if got := mustToken(t, cache); got != "tok-2" || src.Calls() != 2 {
		t.Errorf("invalidating an old credential: got %q after %d retrievals, want tok-2 after 2", got, src.Calls())
	}
}

func TestCacheInvalidatedCredentialIsNotAFallback(t *testing.T) {
	clock := newFakeClock()
	src := newTokenSource(clock, time.Hour)
	cache := NewCache(src, clock.Now)
	first := mustCredential(t, cache)
	src.setFail(errors.New("IAM is down"))
	cache.Invalidate(first)
	if cred, err := cache.Credential(t.Context()); err == nil {
		t.Errorf("got the refused %q back when its renewal failed", cred.Token)
	}
}

func TestCacheInvalidateMatchesKeys(t *testing.T) {
	clock := newFakeClock()
	src := keysSource(clock)
	cache := NewCache(src, clock.Now)
	first := mustCredential(t, cache)
	cache.Invalidate(Credential{Keys: KeyPair{AccessKey: first.Keys.AccessKey, SecretKey: "other"}})
	if got := mustCredential(t, cache); got.Keys != first.Keys {
		t.Errorf("invalidating other keys of the same AK dropped %+v", first.Keys)
	}
	cache.Invalidate(first)
	if got := mustCredential(t, cache); got.Keys.AccessKey != "AK-2" {
		t.Errorf("after invalidating the current keys got %q, want AK-2", got.Keys.AccessKey)
	}
}

// A fetch that ended at the deadline of the read that started it is no
// answer for a read that still has time: that one asks again.
func TestCacheAsksAgainAfterAnotherReadsDeadline(t *testing.T) {
	clock := newFakeClock()
	src := &stubSource{answer: func(_ context.Context, n int) (Credential, error) {
		if n == 1 {
			return Credential{}, fmt.Errorf("requesting a token: %w", context.DeadlineExceeded)
		}
		return Credential{Token: "tok-2", ExpiresAt: clock.Now().Add(time.Hour)}, nil
	}}
	if got := mustToken(t, NewCache(src, clock.Now)); got != "tok-2" {
		t.Errorf("got %q, want tok-2 from a second fetch", got)
	}
}

func TestCacheScopedProject(t *testing.T) {
	clock := newFakeClock()
	scoped := &stubSource{answer: func(context.Context, int) (Credential, error) {
		return Credential{Token: "tok", ProjectID: "p-1", ExpiresAt: clock.Now().Add(time.Hour)}, nil
	}}
	if got, err := NewCache(scoped, clock.Now).ScopedProject(t.Context()); err != nil || got != "p-1" {
		t.Errorf("ScopedProject = %q, %v; want p-1", got, err)
	}
	unscoped := &stubSource{answer: func(context.Context, int) (Credential, error) {
		return Credential{Token: "tok", ExpiresAt: clock.Now().Add(time.Hour)}, nil
	}}
	_, err := NewCache(unscoped, clock.Now).ScopedProject(t.Context())
	if err == nil || !strings.Contains(err.Error(), "project_id") {
		t.Errorf("ScopedProject without a project: %v, want an error naming project_id", err)
	}
}

// An action's poll that crosses a renewal: each request takes the
// credential of its moment.
func TestTransportRequestsCrossARenewal(t *testing.T) {
	tests := []struct {
		name   string
		source func(*fakeClock) Source
		sent   func(r *http.Request, body []byte) string
		want   []string
	}{
		{
			name:   "token",
			source: func(c *fakeClock) Source { return newTokenSource(c, time.Hour) },
			sent:   func(r *http.Request, _ []byte) string { return r.Header.Get("X-Auth-Token") },
			want:   []string{"tok-1", "tok-1", "tok-2"},
		},
		{
			name:   "temporary keys",
			source: func(c *fakeClock) Source { return keysSource(c) },
			sent: func(r *http.Request, _ []byte) string {
				access, _, _ := strings.Cut(strings.TrimPrefix(r.Header.Get("Authorization"), "SDK-HMAC-SHA256 Access="), ",")
				return access + "/" + r.Header.Get("X-Security-Token")
			},
			want: []string{"AK-1/STS-1", "AK-1/STS-1", "AK-2/STS-2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			var mu sync.Mutex
			var sent []string
			svc := newFakeServer(t, func(w http.ResponseWriter, r *http.Request, _ int, body []byte) {
				mu.Lock()
				sent = append(sent, tt.sent(r, body))
				mu.Unlock()
				writeJSON(w, http.StatusOK, map[string]any{"completed": false})
			})
			client := &http.Client{Transport: &Transport{Credentials: NewCache(tt.source(clock), clock.Now), Base: svc.Client().Transport, Now: clock.Now}}
			for _, at := range []time.Duration{0, 50 * time.Minute, 56 * time.Minute} {
				clock.Set(clockStart.Add(at))
				if status, _ := get(t, client, svc.URL+"/v3/p/cas/release-plans/r/deploy-info"); status != http.StatusOK {
					t.Fatalf("poll at +%v: status %d", at, status)
				}
			}
			if got := strings.Join(sent, ","); got != strings.Join(tt.want, ",") {
				t.Errorf("polls carried %s, want %s", got, strings.Join(tt.want, ","))
			}
		})
	}
}
