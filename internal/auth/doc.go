// Package auth authenticates requests to Huawei Cloud APIs.
//
// It offers the three ways the provider can prove who it is:
//
//   - AK/SK signing (SDK-HMAC-SHA256): Sign and SigningTransport;
//   - a fixed IAM token: StaticToken;
//   - an IAM token obtained with a user name and password:
//     NewPasswordTokenSource.
//
// Tokens reach requests through TokenTransport. Both transports
// authenticate every attempt afresh, so a retry layer wrapped around them
// never resends a stale signature or an invalidated token.
//
// Nothing in this package puts a secret (secret key, security token,
// password, token) in an error message or a log entry.
package auth
