// Package timeml reads TimeML documents (the TempEval-3 corpora) and scores a
// temporal-expression resolver against their TIMEX3 annotations the way
// TempEval-3 Task A does.
package timeml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/newsline/timeline/timeline"
	"github.com/spf13/afero"
)

// Gold is one annotated TIMEX3 of a document's text.
type Gold struct {
	timeline.Span        // byte offsets into Doc.Text
	TID           string // tid attribute
	Text          string
	Type          string
	Value         string
}

// Doc is a TimeML document with its tags stripped.
type Doc struct {
	Path    string
	DCT     time.Time // document creation time (the publication date)
	Text    string    // the content of <TEXT>, tags stripped, entities decoded
	Timexes []Gold    // the TIMEX3 annotations inside <TEXT>, in order
}

// Read parses one TimeML document.
func Read(path string, data []byte) (Doc, error) {
	doc := Doc{Path: path}
	dec := xml.NewDecoder(bytes.NewReader(data))
	var text strings.Builder
	inText, inDCT := false, false
	var open *Gold
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, _ := dec.InputPos()
			return doc, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "TEXT":
				inText = true
			case "DCT":
				inDCT = true
			case "TIMEX3":
				if inDCT {
					dct, err := parseDCT(attr(t, "value"))
					if err != nil {
						line, _ := dec.InputPos()
						return doc, fmt.Errorf("%s:%d: DCT: %w", path, line, err)
					}
					doc.DCT = dct
				}
				if inText {
					if open != nil {
						line, _ := dec.InputPos()
						return doc, fmt.Errorf("%s:%d: nested TIMEX3", path, line)
					}
					open = &Gold{TID: attr(t, "tid"), Type: attr(t, "type"), Value: attr(t, "value")}
					open.Start = text.Len()
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "TEXT":
				inText = false
			case "DCT":
				inDCT = false
			case "TIMEX3":
				if open != nil {
					open.End = text.Len()
					open.Text = text.String()[open.Start:open.End]
					doc.Timexes = append(doc.Timexes, *open)
					open = nil
				}
			}
		case xml.CharData:
			if inText {
				text.Write(t)
			}
		}
	}
	if doc.DCT.IsZero() {
		return doc, fmt.Errorf("%s:1: no <DCT> with a TIMEX3 value", path)
	}
	doc.Text = text.String()
	return doc, nil
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func parseDCT(v string) (time.Time, error) {
	if len(v) >= 10 {
		if t, err := time.Parse("2006-01-02", v[:10]); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("value %q is not a YYYY-MM-DD date", v)
}

// Load reads every .tml file given, walking directories (sorted by path).
func Load(fsys afero.Fs, paths []string) ([]Doc, error) {
	var files []string
	for _, p := range paths {
		info, err := fsys.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = afero.Walk(fsys, p, func(q string, fi fs.FileInfo, err error) error {
			if err != nil {
				return err
			}
			if !fi.IsDir() && strings.EqualFold(path.Ext(q), ".tml") {
				files = append(files, q)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
	}
	sort.Strings(files)
	docs := make([]Doc, 0, len(files))
	var errs []error
	for _, f := range files {
		data, err := afero.ReadFile(fsys, f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
			continue
		}
		d, err := Read(f, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		docs = append(docs, d)
	}
	return docs, errors.Join(errs...)
}
