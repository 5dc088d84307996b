package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	sigGuideAK   = "QTWAOYTTINDUT2QVKYUC"
	sigGuideSK   = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"
	sigGuideURL  = "https://service.region.example.com/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0"
	sigGuideDate = "20191115T033655Z"
	sigGuideSig  = "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"

	sigSDKSig = "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"

	sigEmptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func sigSecrets(pairs ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return func(ak string) (string, bool) { sk, ok := m[ak]; return sk, ok }
}

func sigTime(t *testing.T, date string) time.Time {
	t.Helper()
	at, err := time.Parse("20060102T150405Z", date)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

// sigGuideRequest is the request of Huawei's signing guide, as a server
// receives it.
func sigGuideRequest(t *testing.T, signature string) *http.Request {
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, sigGuideURL, nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Sdk-Date", sigGuideDate)
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+sigGuideAK+", SignedHeaders=content-type;host;x-sdk-date, Signature="+signature)
	return r
}

func sigSDKRequest(t *testing.T, date string) *http.Request {
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://example.huaweicloud.com/path?limit=1", nil)
	r.Header.Set("X-Sdk-Date", date)
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature="+sigSDKSig)
	return r
}

func TestVerifySDKSignatureAcceptsPublishedVectors(t *testing.T) {
	ak, err := verifySDKSignature(sigGuideRequest(t, sigGuideSig), nil, sigSecrets(sigGuideAK, sigGuideSK), sigTime(t, sigGuideDate), 15*time.Minute)
	if err != nil || ak != sigGuideAK {
		t.Errorf("signing guide vector: ak %q, err %v", ak, err)
	}
	ak, err = verifySDKSignature(sigSDKRequest(t, "20060102T150405Z"), nil, sigSecrets("AccessKey", "SecretKey"), sigTime(t, "20060102T150405Z"), 15*time.Minute)
	if err != nil || ak != "AccessKey" {
		t.Errorf("Go SDK vector: ak %q, err %v", ak, err)
	}
}

func TestVerifySDKSignatureRejectsTamperedSignature(t *testing.T) {
	tampered := "8" + sigGuideSig[1:]
	_, err := verifySDKSignature(sigGuideRequest(t, tampered), nil, sigSecrets(sigGuideAK, sigGuideSK), sigTime(t, sigGuideDate), 15*time.Minute)
	if err == nil {
		t.Fatal("tampered signature accepted")
	}
	want := "Incorrect IAM authentication information: verify aksk signature fail, SignedHeaders: content-type;host;x-sdk-date, " +
		"CanonicalRequest: GET|/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/|limit=2&marker=13551d6b-755d-4757-b956-536f674975c0|" +
		"content-type:application/json|host:service.region.example.com|x-sdk-date:20191115T033655Z||content-type;host;x-sdk-date|" + sigEmptySHA256
	if err.Code != "APIGW.0301" || err.Message != want {
		t.Errorf("got %s: %s\nwant APIGW.0301: %s", err.Code, err.Message, want)
	}
}

func TestVerifySDKSignatureRejectsWrongSecret(t *testing.T) {
	_, err := verifySDKSignature(sigGuideRequest(t, sigGuideSig), nil, sigSecrets(sigGuideAK, "not-the-secret"), sigTime(t, sigGuideDate), 15*time.Minute)
	if err == nil || !strings.Contains(err.Message, "verify aksk signature fail") {
		t.Errorf("wrong secret: %v", err)
	}
	if err != nil && strings.Contains(err.Message, "not-the-secret") {
		t.Error("the message echoes the secret key")
	}
}

func TestVerifySDKSignatureRejectsStaleDate(t *testing.T) {
	signedAt := sigTime(t, "20060102T150405Z")
	for _, offset := range []time.Duration{16 * time.Minute, -16 * time.Minute} {
		_, err := verifySDKSignature(sigSDKRequest(t, "20060102T150405Z"), nil, sigSecrets("AccessKey", "SecretKey"), signedAt.Add(offset), 15*time.Minute)
		if err == nil || err.Code != "APIGW.0301" || !strings.Contains(err.Message, "request time") {
			t.Errorf("server clock %v from the signing date: %v, want an APIGW.0301 about the request time", offset, err)
		}
	}
	if _, err := verifySDKSignature(sigSDKRequest(t, "20060102T150405Z"), nil, sigSecrets("AccessKey", "SecretKey"), signedAt.Add(14*time.Minute), 15*time.Minute); err != nil {
		t.Errorf("date within the allowed skew rejected: %v", err)
	}
}

func TestVerifySDKSignatureRejectsUnknownAccessKey(t *testing.T) {
	_, err := verifySDKSignature(sigGuideRequest(t, sigGuideSig), nil, sigSecrets("OTHER", sigGuideSK), sigTime(t, sigGuideDate), 15*time.Minute)
	want := "Incorrect IAM authentication information: ak " + sigGuideAK + " not exist"
	if err == nil || err.Code != "APIGW.0301" || err.Message != want {
		t.Errorf("got %v, want APIGW.0301: %s", err, want)
	}
}

func TestVerifySDKSignatureRejectsMalformedRequests(t *testing.T) {
	tests := []struct {
		name   string
		modify func(r *http.Request)
	}{
		{"no Authorization", func(r *http.Request) { r.Header.Del("Authorization") }},
		{"other algorithm", func(r *http.Request) { r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x") }},
		{"no signature field", func(r *http.Request) {
			r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+sigGuideAK+", SignedHeaders=host")
		}},
		{"no X-Sdk-Date", func(r *http.Request) { r.Header.Del("X-Sdk-Date") }},
		{"malformed X-Sdk-Date", func(r *http.Request) { r.Header.Set("X-Sdk-Date", "2019-11-15T03:36:55Z") }},
		{"non-hex signature", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), sigGuideSig, "zz", 1))
		}},
		{"query changed", func(r *http.Request) { r.URL.RawQuery = "limit=3&marker=13551d6b-755d-4757-b956-536f674975c0" }},
		{"host changed", func(r *http.Request) { r.Host = "evil.example.com" }},
		{"method changed", func(r *http.Request) { r.Method = http.MethodDelete }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sigGuideRequest(t, sigGuideSig)
			tt.modify(r)
			_, err := verifySDKSignature(r, nil, sigSecrets(sigGuideAK, sigGuideSK), sigTime(t, sigGuideDate), 15*time.Minute)
			if err == nil || err.Code != "APIGW.0301" {
				t.Errorf("got %v, want an APIGW.0301 rejection", err)
			}
		})
	}
}

// sign computes a signature straight from a hand-written canonical request,
// so the verifier's canonicalisation is checked against the spec, not
// against itself.
func sigSign(secret, date, canonical string) string {
	digest := sha256.Sum256([]byte(canonical))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(digest[:])))
	return hex.EncodeToString(mac.Sum(nil))
}

func TestVerifySDKSignatureCanonicalisesPathQueryAndBody(t *testing.T) {
	const date = "20240806T080000Z"
	body := []byte(`{"action":"execute"}`)
	bodySum := sha256.Sum256(body)
	canonical := strings.Join([]string{
		"POST",
		"/v3/a%2Fb/caf%C3%A9/release%20plans/",
		"a=1&a=x%20y&b=%2F&flag=",
		"content-type:application/json;charset=utf8",
		"host:servicestage.example.com",
		"x-sdk-date:" + date,
		"x-security-token:sts-secret",
		"",
		"content-type;host;x-sdk-date;x-security-token",
		hex.EncodeToString(bodySum[:]),
	}, "\n")

	request := func(body string) *http.Request {
		r := httptest.NewRequestWithContext(t.Context(), http.MethodPost, "https://servicestage.example.com/v3/a%2Fb/caf%C3%A9/release%20plans?b=%2F&a=x+y&flag&a=1", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json;charset=utf8")
		r.Header.Set("X-Sdk-Date", date)
		r.Header.Set("X-Security-Token", "sts-secret")
		r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date;x-security-token, Signature="+sigSign("SK", date, canonical))
		return r
	}
	now := sigTime(t, date)

	if _, err := verifySDKSignature(request(string(body)), body, sigSecrets("AK", "SK"), now, 15*time.Minute); err != nil {
		t.Fatalf("valid POST rejected: %s", err.Message)
	}

	tampered := []byte(`{"action":"rollback"}`)
	_, err := verifySDKSignature(request(string(tampered)), tampered, sigSecrets("AK", "SK"), now, 15*time.Minute)
	if err == nil {
		t.Fatal("tampered body accepted")
	}
	// The real gateway echoes the signed security token; the provider redacts it.
	if !strings.Contains(err.Message, "x-security-token:sts-secret") {
		t.Errorf("the message must echo the canonical request as the gateway does: %s", err.Message)
	}
}

func TestVerifySDKSignatureUnsignedPayload(t *testing.T) {
	const date = "20240806T080000Z"
	canonical := "PUT\n/upload/\n\nhost:h\nx-sdk-date:" + date + "\n\nhost;x-sdk-date\nUNSIGNED-PAYLOAD"
	r := httptest.NewRequestWithContext(t.Context(), http.MethodPut, "https://h/upload", strings.NewReader("anything"))
	r.Header.Set("X-Sdk-Date", date)
	r.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature="+sigSign("SK", date, canonical))
	if _, err := verifySDKSignature(r, []byte("anything"), sigSecrets("AK", "SK"), sigTime(t, date), time.Minute); err != nil {
		t.Errorf("unsigned payload rejected: %s", err.Message)
	}
}
