package site

import (
	"encoding/json"
	"path/filepath"

	"github.com/spf13/afero"
)

// manifest records what the published site holds, so the next build can reuse
// pages whose Key did not change instead of rendering them again.
type manifest struct {
	Version string                   `json:"version"`
	Out     string                   `json:"out"`
	Pages   map[string]manifestEntry `json:"pages"`
}

type manifestEntry struct {
	Key  string `json:"key"`
	Hash string `json:"sha256"`
	Size int64  `json:"size"`
}

func manifestPath(cacheDir string) string { return filepath.Join(cacheDir, "manifest.json") }

// loadManifest returns the previous manifest when it describes this output folder
// built by this tool version; otherwise an empty one (everything renders).
func loadManifest(fs afero.Fs, opts Options) manifest {
	empty := manifest{Version: opts.Version, Out: filepath.Clean(opts.OutDir), Pages: map[string]manifestEntry{}}
	if opts.NoCache {
		return empty
	}
	data, err := afero.ReadFile(fs, manifestPath(opts.CacheDir))
	if err != nil {
		return empty
	}
	var m manifest
	if json.Unmarshal(data, &m) != nil || m.Version != empty.Version || m.Out != empty.Out || m.Pages == nil {
		return empty
	}
	return m
}

func saveManifest(fs afero.Fs, cacheDir string, m manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := fs.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	tmp := manifestPath(cacheDir) + ".tmp"
	if err := afero.WriteFile(fs, tmp, data, 0o644); err != nil {
		return err
	}
	return fs.Rename(tmp, manifestPath(cacheDir))
}

// forgetManifest removes the manifest before the output changes: if the build is
// killed between the swap and the new manifest, the next build renders everything
// rather than trusting a stale record.
func forgetManifest(fs afero.Fs, cacheDir string) error {
	err := fs.Remove(manifestPath(cacheDir))
	if err != nil {
		if ok, _ := afero.Exists(fs, manifestPath(cacheDir)); !ok {
			return nil
		}
	}
	return err
}
