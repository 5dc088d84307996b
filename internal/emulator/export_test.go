package emulator

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
)

// SignForTest signs req with the emulator's own canonical request, for
// tests of what happens to a credential (its expiry, its token) rather
// than of signing, which signature_test.go and auth_test.go cover against
// the published vectors and the provider's signer. Temporary credentials
// send and sign their security token, as Huawei's SDK does.
func SignForTest(req *http.Request, accessKey, secretKey, securityToken string, now time.Time) error {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	date := now.UTC().Format(sigDateLayout)
	req.Header.Set("X-Sdk-Date", date)
	signed := []string{"host", "x-sdk-date"}
	if securityToken != "" {
		req.Header.Set("X-Security-Token", securityToken)
		signed = append(signed, "x-security-token")
	}
	digest := sha256.Sum256([]byte(sigCanonicalRequest(req, body, signed)))
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(sigAlgorithm + "\n" + date + "\n" + hex.EncodeToString(digest[:])))
	req.Header.Set("Authorization", sigAlgorithm+" Access="+accessKey+", SignedHeaders="+strings.Join(signed, ";")+
		", Signature="+hex.EncodeToString(mac.Sum(nil)))
	return nil
}
