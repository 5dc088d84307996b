// Package auth authenticates requests to Huawei Cloud APIs.
//
// Choose picks one way from the provider's settings, in the contract's
// order: an IAM token, an AK/SK pair, a user and password, an OpenID
// Connect ID token, a KooCLI profile, or the ECS metadata service, with an
// IAM agency (assume_role) optionally on top. Each way is a Source of
// credentials; one Cache per provider serves them, renewing temporary ones
// before they expire. Transport takes the credential from it at every
// attempt and sends it as X-Auth-Token or as an SDK-HMAC-SHA256 signature
// (Sign), so a retry or a poll after a renewal uses the new one.
//
// Nothing in this package puts a secret (secret key, security token,
// password, token, ID token, metadata token) in an error message or a log
// entry.
package auth
