package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

const (
	// renewBefore is how long before its expiry a credential is renewed, so
	// that none dies between being handed out and reaching the service.
	renewBefore = 5 * time.Minute
	// expirySkew keeps a credential out of the last moments of its life,
	// when a request signed with it could arrive after it expired.
	expirySkew = 10 * time.Second
	// renewalPause spaces renewals while the current credential still has
	// time left: after a renewal failed, or one came back short-lived.
	renewalPause = 30 * time.Second
	// fetchTimeout bounds a fetch started by a caller without a deadline.
	// A fetch is shared by every caller waiting for it, so it is not
	// cancelled with the caller that started it, but it ends at that
	// caller's deadline (the read's timeouts.read) at the latest.
	fetchTimeout = time.Minute
)

// Cache is the one credential every request of a provider uses. It asks
// its Source on first use, serves the answer until less than renewBefore
// is left, then renews it once while the requests that need it wait, and
// never hands out a credential past its expiry.
type Cache struct {
	source  Source
	now     func() time.Time
	flights singleflight.Group

	mu   sync.Mutex
	cur  Credential
	have bool
	// renewAt is when cur is to be renewed; forever, for a credential
	// without an expiry.
	renewAt time.Time
	forever bool
	// failure is a refusal that asking again cannot change (a wrong
	// password, a missing agency): later requests get it without asking,
	// which could lock an IAM user.
	failure error
}

var _ Provider = (*Cache)(nil)

// NewCache returns a Cache over source; now defaults to time.Now (tests
// inject a clock).
func NewCache(source Source, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{source: source, now: now}
}

// Credential returns the credential to send now, obtaining or renewing it
// first when needed.
func (c *Cache) Credential(ctx context.Context) (Credential, error) {
	if cred, err, ok := c.cached(); ok {
		return cred, err
	}
	for tries := 1; ; tries++ {
		results := c.flights.DoChan("renew", func() (any, error) {
			// A renewal that ended just before this one started may have
			// filled the cache: don't ask twice.
			if cred, err, ok := c.cached(); ok {
				return cred, err
			}
			fetchCtx, cancel := fetchContext(ctx)
			defer cancel()
			return c.renew(fetchCtx)
		})
		select {
		case res := <-results:
			// A fetch that ended at the deadline of another read that
			// started it is no answer for a read with time left: ask again.
			if res.Err != nil && errors.Is(res.Err, context.DeadlineExceeded) && ctx.Err() == nil && tries == 1 {
				continue
			}
			if res.Err != nil {
				return Credential{}, res.Err
			}
			cred, _ := res.Val.(Credential)
			return cred, nil
		case <-ctx.Done():
			return Credential{}, fmt.Errorf("waiting for credentials: %w", ctx.Err())
		}
	}
}

// Invalidate drops cred when it is the current credential, so that the
// next request renews it; many requests refused with one stale credential
// thus cause one renewal.
func (c *Cache) Invalidate(cred Credential) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.have && c.cur.same(cred) {
		c.have = false
	}
}

// ScopedProject is the project IAM scoped the token to (token.project.id),
// for a token scoped by region; it obtains the token first if needed.
func (c *Cache) ScopedProject(ctx context.Context) (string, error) {
	cred, err := c.Credential(ctx)
	if err != nil {
		return "", err
	}
	if cred.ProjectID == "" {
		return "", errors.New("IAM's token response does not name the project the token is scoped to (token.project.id); set project_id")
	}
	return cred.ProjectID, nil
}

// cached returns the credential to serve, or the remembered refusal; ok is
// false when a fetch is needed.
func (c *Cache) cached() (cred Credential, err error, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.failure != nil:
		return Credential{}, c.failure, true
	case c.have && (c.forever || c.now().Before(c.renewAt)):
		return c.cur, nil, true
	}
	return Credential{}, nil, false
}

// renew asks the source and keeps its answer. When asking fails while the
// current credential still has time left, that one is served a while longer.
func (c *Cache) renew(ctx context.Context) (Credential, error) {
	cred, err := c.source.Retrieve(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if err == nil && !cred.ExpiresAt.IsZero() && !now.Before(lastUse(cred)) {
		err = fmt.Errorf("the credentials obtained expire at %s, which is not later than now (%s): check this machine's clock",
			cred.ExpiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if err != nil {
		if c.have && !c.forever && now.Before(lastUse(c.cur)) {
			c.renewAt = minTime(now.Add(renewalPause), lastUse(c.cur))
			tflog.Warn(ctx, "Could not renew the credentials; using the current ones while they last", map[string]any{
				"error": err.Error(), "expires_at": c.cur.ExpiresAt.UTC().Format(time.RFC3339),
			})
			return c.cur, nil
		}
		c.have = false
		var lasting interface{ Lasting() bool }
		if errors.As(err, &lasting) && lasting.Lasting() {
			c.failure = err
		}
		return Credential{}, err
	}

	c.cur, c.have = cred, true
	c.forever = cred.ExpiresAt.IsZero()
	if !c.forever {
		c.renewAt = cred.ExpiresAt.Add(-renewBefore)
		if c.renewAt.Before(now.Add(renewalPause)) {
			// Issued with little time left: renew soon, but not at every request.
			c.renewAt = minTime(now.Add(renewalPause), lastUse(cred))
		}
		tflog.Debug(ctx, "Obtained temporary credentials", map[string]any{
			"expires_at": cred.ExpiresAt.UTC().Format(time.RFC3339), "renew_at": c.renewAt.UTC().Format(time.RFC3339),
		})
	}
	return cred, nil
}

// lastUse is the last moment cred may be handed out.
func lastUse(cred Credential) time.Time { return cred.ExpiresAt.Add(-expirySkew) }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// fetchContext keeps ctx's values (the log) and deadline but not its
// cancellation: other callers may be waiting for the same fetch.
func fetchContext(ctx context.Context) (context.Context, context.CancelFunc) {
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		return context.WithDeadline(detached, deadline)
	}
	return context.WithTimeout(detached, fetchTimeout)
}
