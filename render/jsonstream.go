package render

import (
	"bytes"
	"encoding/json"
	"io"
)

// jsonStream writes JSON values one by one, each encoded as json.Marshal
// would (HTML-safe escaping), keeping the first error: a site-wide file is
// written piece by piece instead of built whole in memory.
type jsonStream struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (j *jsonStream) raw(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

func (j *jsonStream) value(v any) {
	if j.err != nil {
		return
	}
	if j.enc == nil {
		j.enc = json.NewEncoder(&j.buf)
	}
	j.buf.Reset()
	if j.err = j.enc.Encode(v); j.err != nil {
		return
	}
	// Encode ends each value with a newline that Marshal does not write.
	_, j.err = j.w.Write(bytes.TrimSuffix(j.buf.Bytes(), []byte("\n")))
}
