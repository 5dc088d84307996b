package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// This file turns a request into the pieces of SDK-HMAC-SHA256's canonical
// request. The gateway rebuilds the same strings from what it receives, so
// every rule here mirrors the API signing guide exactly.

// canonicalURI returns the signed form of an escaped request path: each
// segment decoded, then re-encoded with the signing alphabet, and a "/"
// appended when missing. Decoding first means a path that is already
// escaped (say "a%2Fb") is not escaped twice, while "%2F" inside a segment
// stays a literal slash of that segment rather than a separator.
func canonicalURI(escapedPath string) string {
	segments := strings.Split(escapedPath, "/")
	for i, segment := range segments {
		decoded, err := url.PathUnescape(segment)
		if err != nil {
			// Go never produces an invalid escape from a URL it parsed; if one
			// arrives anyway, sign the bytes as they are sent.
			decoded = segment
		}
		segments[i] = escape(decoded)
	}
	uri := strings.Join(segments, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return uri
}

// canonicalQuery returns the signed form of a raw query string: keys
// sorted, the values of a repeated key sorted, each pair escaped with the
// signing alphabet (so a space is %20, never "+").
func canonicalQuery(rawQuery string) (string, error) {
	values := map[string][]string{}
	for _, pair := range strings.Split(rawQuery, "&") {
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil {
			return "", fmt.Errorf("decoding query parameter name %q: %w", rawKey, err)
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil {
			return "", fmt.Errorf("decoding value of query parameter %q: %w", key, err)
		}
		values[key] = append(values[key], value)
	}

	keys := make([]string, 0, len(values))
	for key := range values {
		keys = append(keys, key)
	}
	sort.Strings(keys)

	var pairs []string
	for _, key := range keys {
		vs := values[key]
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, escape(key)+"="+escape(v))
		}
	}
	return strings.Join(pairs, "&"), nil
}

// canonicalHeaders returns "name:value\n" for each signed header, in the
// order given (already lowercased and sorted). The host comes from the
// request rather than its header map, because Go keeps it out of the map.
func canonicalHeaders(req *http.Request, signedHeaders []string) (string, error) {
	var b strings.Builder
	for _, name := range signedHeaders {
		value, ok := headerValue(req, name)
		if !ok {
			return "", fmt.Errorf("signed header %q is not set on the request", name)
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.TrimSpace(value))
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// headerValue returns the value the server will see for a header, joining
// repeated values the way HTTP allows a receiver to.
func headerValue(req *http.Request, name string) (string, bool) {
	if name == "host" {
		host := requestHost(req)
		return host, host != ""
	}
	values := req.Header.Values(name)
	if len(values) == 0 {
		return "", false
	}
	trimmed := make([]string, len(values)) // Values shares the header's slice
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ","), true
}

// requestHost is the Host the client will send: req.Host overrides the URL.
func requestHost(req *http.Request) string {
	if req.Host != "" {
		return req.Host
	}
	if req.URL != nil {
		return req.URL.Host
	}
	return ""
}

// normaliseSignedHeaders lowercases, de-duplicates and sorts header names,
// dropping names with "_" as Huawei's SDK does (proxies often discard them,
// so signing them would break the signature in transit).
func normaliseSignedHeaders(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" || strings.Contains(name, "_") || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// escape percent-encodes every byte outside the unreserved set
// A-Z a-z 0-9 - _ . ~ with upper-case hex, as the signing guide requires.
// url.PathEscape and url.QueryEscape both leave other bytes alone, so
// neither fits.
func escape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isUnreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isUnreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~'
}
