package auth

import (
	"context"
	"errors"
)

// TokenSource supplies IAM tokens for the X-Auth-Token header.
type TokenSource interface {
	// Token returns a token that is believed valid now.
	Token(ctx context.Context) (string, error)
	// Invalidate reports that the service rejected token, so the next Token
	// call should not return it again. It is a no-op when token is no longer
	// the current one, so many requests failing with the same stale token
	// cause a single refresh.
	Invalidate(token string)
}

// StaticToken returns a TokenSource that always yields token, for a token
// the user configured; it cannot refresh, so Invalidate does nothing.
func StaticToken(token string) TokenSource {
	return staticToken(token)
}

type staticToken string

func (s staticToken) Token(context.Context) (string, error) {
	if s == "" {
		return "", errors.New("the configured IAM token is empty")
	}
	return string(s), nil
}

func (staticToken) Invalidate(string) {}
