package ingest

// Much Markdown, news copy above all, is paragraphs of plain sentences:
// no character that could open a Markdown construct. There the parser's
// syntax tree only says "these lines make a paragraph, each line one text
// node with a line break after it but the last", which costs over half of
// parsing the file. markupFree recognises such a body and paragraphs walks
// it as visit walks the tree of that shape, so the text, offsets, set-aside
// spans and headline are the same (a test compares both ways on generated
// and hostile bodies).

// markupFree reports whether body is only paragraphs of plain lines:
// non-blank lines separated by empty ones, where no line starts with a
// space, a digit, '-' or '+' (list items, code, setext underlines, thematic
// breaks) nor ends with a space (hard breaks), and no byte could open or
// escape inline markup, a block, an entity or a table, or be a control
// character (the parser replaces NUL; tabs and carriage returns change
// line structure).
func markupFree(body []byte) bool {
	for pos := 0; pos < len(body); {
		line, next := lineAt(body, pos)
		pos = next
		if len(line) == 0 {
			continue
		}
		if c := line[0]; c == ' ' || c == '-' || c == '+' || isDigit(c) || line[len(line)-1] == ' ' {
			return false
		}
		for _, c := range line {
			if c < 0x20 || c == 0x7f || markupByte[c] {
				return false
			}
		}
	}
	return true
}

// markupByte marks the ASCII bytes markupFree refuses anywhere in a line.
var markupByte = func() (t [256]bool) {
	for _, c := range []byte("\\`*_[]<>&!#~|=") {
		t[c] = true
	}
	return t
}()

// paragraphs walks a markupFree body: each run of non-empty lines is a
// paragraph block whose lines are text nodes, each but the last followed by
// a line break (see visit, text and lineBreak).
func (w *mdWalker) paragraphs(body []byte) {
	for pos := 0; pos < len(body); {
		line, next := lineAt(body, pos)
		if len(line) == 0 {
			pos = next
			continue
		}
		w.startBlock()
		for {
			start := w.base + pos
			if w.paraRaw < 0 {
				w.paraRaw = start
			}
			w.b.appendNormal(w.raw, start, start+len(line), w.quotes)
			prev := line
			pos = next
			if pos >= len(body) {
				break
			}
			if line, next = lineAt(body, pos); len(line) == 0 {
				break
			}
			w.lineBreak(start + len(prev))
		}
		w.endBlock(nil)
	}
}
