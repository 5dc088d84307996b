// Package servicestage is a small client for the Huawei Cloud ServiceStage
// API: typed requests and responses, tolerant decoding, retries and errors
// that carry what a user needs to act. It knows nothing of Terraform.
package servicestage

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/f6c119bb/terraform-provider-servicestage/internal/errorbody"
)

// Defaults of Config.
const (
	DefaultMaxRetries   = 5
	DefaultMaxBodyBytes = 4 << 20
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 30 * time.Second
)

// Config configures a Client. HTTPClient carries authentication: the client
// itself adds none.
type Config struct {
	// Endpoint is the ServiceStage base URL, e.g. https://servicestage.ap-southeast-3.myhuaweicloud.com.
	Endpoint string
	// HTTPClient is shared by every call; build it once per provider.
	HTTPClient *http.Client
	// MaxRetries is the number of retries after the first attempt; negative means none.
	MaxRetries int
	// UserAgent is sent with every request.
	UserAgent string
	// MaxBodyBytes caps a response body; zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RetryWaitMin and RetryWaitMax bound the backoff; zero means 1s and 30s.
	RetryWaitMin, RetryWaitMax time.Duration
	// EndpointFrom says where the endpoint came from when the user did not
	// set it, e.g. `region "ap-southeast-3"`; errors about the host then say
	// so and tell to check region and cloud instead of endpoint.
	EndpointFrom string
}

// Client calls ServiceStage. It is safe for concurrent use.
type Client struct {
	endpoint *url.URL
	cfg      Config
	// lists shares one list request among the overlapping calls for a project.
	lists singleflight.Group
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := ParseEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.HTTPClient == nil {
		return nil, errors.New("servicestage: Config.HTTPClient is nil")
	}
	// Redirects are refused on a copy, so that whatever client is passed
	// in, no credential follows one to another location.
	hc := *cfg.HTTPClient
	hc.CheckRedirect = errorbody.RefuseRedirect
	cfg.HTTPClient = &hc
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = max(defaultRetryWaitMax, cfg.RetryWaitMin)
	}
	return &Client{endpoint: u, cfg: cfg}, nil
}

// ParseEndpoint accepts an absolute http(s) URL without query or fragment.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%q must be an absolute http:// or https:// URL", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q must not carry a query, fragment or user info", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}
