package provider

import (
	"github.com/f6c119bb/terraform-provider-servicestage/internal/servicestage"
	"github.com/f6c119bb/terraform-provider-servicestage/internal/typedstate"
)

// setAPI sets the attributes of an API object from its value; a null where
// an object is expected, at any depth, is an error naming the element.
// response names the answer, as servicestage.DecodeError does.
func setAPI[T any](s typedstate.Values, o *typedstate.Object, v *T, response string) error {
	return unexpectedNull(response, typedstate.SetObject(s, o, v))
}

// unexpectedNull reports an answer the state cannot hold as a malformed
// answer, which the diagnostics and the waits already know.
func unexpectedNull(response string, err error) error {
	if err == nil {
		return nil
	}
	return &servicestage.DecodeError{Response: response, Index: -1, Offset: -1, Err: err}
}
