package classic

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/rpyc-go/rpyc/vinegar"
)

// Upload copies a local file or directory tree to remote on the server,
// as Python's rpyc.classic.upload does: a directory becomes remote (made
// with its parents) with the same structure; a file becomes the file
// remote, its parent directory made when missing. Symbolic links are
// followed, or copied as links with KeepSymlinks; Filter chooses what is
// copied.
//
// The whole local tree is checked first: a link that points nowhere or
// back into its own ancestors, a file or directory that cannot be read,
// or something that is neither file nor directory stops the upload before
// anything is written, with a *SourceError listing every problem
// (errors.Is(err, ErrSourceTree)). Each file is written under a temporary
// name and renamed when complete.
func (c *Conn) Upload(ctx context.Context, local, remote string, opts *TransferOptions) error {
	plan, err := planUpload(local, opts)
	if err != nil {
		return err
	}
	if len(plan.entries) == 0 {
		return nil // an invalid top, ignored (IgnoreInvalid)
	}
	if plan.links {
		if err := c.canSymlink(ctx); err != nil {
			return err
		}
	}
	if plan.entries[0].kind == entryFile {
		if dir := path.Dir(remote); dir != "." && dir != "/" {
			if err := c.MkdirAll(ctx, dir); err != nil {
				return fmt.Errorf("classic: upload %s to %s: making its directory: %w", local, remote, err)
			}
		}
	}
	for _, e := range plan.entries {
		target := remote
		if e.rel != "" {
			target = path.Join(remote, e.rel)
		}
		switch e.kind {
		case entryDir:
			if err := c.MkdirAll(ctx, target); err != nil {
				return fmt.Errorf("classic: upload %s to %s: %w", e.local, target, err)
			}
		case entryFile:
			if err := c.uploadFile(ctx, e.local, target, e.size, opts); err != nil {
				return err
			}
		case entryLink:
			if err := c.symlink(ctx, e.target, target); err != nil {
				return fmt.Errorf("classic: upload %s to %s: making the link to %s: %w", e.local, target, e.target, err)
			}
		}
	}
	return nil
}

func (c *Conn) uploadFile(ctx context.Context, local, remote string, size int64, opts *TransferOptions) error {
	f, err := os.Open(local)
	if err != nil {
		return fmt.Errorf("classic: upload: %w", err)
	}
	defer f.Close()
	return c.upload(ctx, local, f, remote, size, opts)
}

// ErrNoSymlinks is returned by an upload with KeepSymlinks to a server
// whose os module has no symlink; nothing was written.
var ErrNoSymlinks = errors.New("classic: the server cannot make symbolic links (its os module has no symlink): upload without KeepSymlinks/--links to copy what the links point to")

// canSymlink checks that the server's os has symlink.
func (c *Conn) canSymlink(ctx context.Context) error {
	osm, err := c.os(ctx)
	if err != nil {
		return err
	}
	_, err = osm.GetAttr(ctx, "symlink")
	if errors.Is(err, vinegar.ErrAttributeError) {
		return ErrNoSymlinks
	}
	return err
}

// symlink makes the link at remote pointing to target, replacing what is
// there: made under a temporary name, then renamed over remote.
func (c *Conn) symlink(ctx context.Context, target, remote string) error {
	osm, err := c.os(ctx)
	if err != nil {
		return err
	}
	part := partName(remote)
	rename := func(err error) error {
		return &explained{err: err, msg: strings.ReplaceAll(err.Error(), part, remote)}
	}
	if _, err := osm.CallMethod(ctx, "symlink", target, part); err != nil {
		return rename(err)
	}
	if _, err := osm.CallMethod(ctx, "replace", part, remote); err != nil {
		_, _ = osm.CallMethod(context.WithoutCancel(ctx), "remove", part)
		return rename(err)
	}
	return nil
}
