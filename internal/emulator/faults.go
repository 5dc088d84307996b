package emulator

import (
	"net/http"
	"strconv"
)

// inject makes the transport fail as st.Fault says. Hijacking needs HTTP/1.1,
// which is what httptest and the standalone emulator serve.
func inject(w http.ResponseWriter, r *http.Request, st Step) {
	switch st.Fault {
	case FaultHang:
		<-r.Context().Done()
	case FaultReset:
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, "emulator: cannot hijack: "+err.Error(), http.StatusInternalServerError)
			return
		}
		_ = conn.Close()
	case FaultTruncate:
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(st.Body)))
		w.WriteHeader(cmpOr(st.Status, http.StatusOK))
		_, _ = w.Write(st.Body[:len(st.Body)/2])
		// Flush the half body out of the response buffer (Hijack only
		// flushes the headers), then cut the connection so the client sees
		// the body end early.
		rc := http.NewResponseController(w)
		_ = rc.Flush()
		if conn, _, err := rc.Hijack(); err == nil {
			_ = conn.Close()
		}
	default:
		http.Error(w, "emulator: unknown fault "+string(st.Fault), http.StatusInternalServerError)
	}
}
