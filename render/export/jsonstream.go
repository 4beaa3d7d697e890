package export

import (
	"bytes"
	"encoding/json"
	"io"
)

// JSONStream writes JSON values one by one, each encoded as json.Marshal
// would (HTML-safe escaping), keeping the first error: a site-wide file is
// written piece by piece instead of built whole in memory.
type JSONStream struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
	err error
}

func (j *JSONStream) Raw(s string) {
	if j.err == nil {
		_, j.err = io.WriteString(j.w, s)
	}
}

func (j *JSONStream) Value(v any) {
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

// NewJSONStream returns a stream writing to w.
func NewJSONStream(w io.Writer) *JSONStream { return &JSONStream{w: w} }

// Err is the first error a write met, if any.
func (j *JSONStream) Err() error { return j.err }
