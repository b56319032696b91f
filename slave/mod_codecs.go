package slave

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/adler32"
	"hash/crc32"
	"io"
	"strings"

	"golang.org/x/crypto/sha3"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave/python"
	"github.com/rpyc-go/rpyc/vinegar"
)

// hashlibModule is Python's hashlib: md5, sha1, the sha2 and sha3
// families, new(name); hash objects with update, digest, hexdigest,
// copy, name, digest_size and block_size.
type hashlibModule struct {
	Module
	AlgorithmsGuaranteed brine.FrozenSet `rpyc:"algorithms_guaranteed"`
	AlgorithmsAvailable  brine.FrozenSet `rpyc:"algorithms_available"`
}

var hashMakers = map[string]func() hash.Hash{
	"md5": md5.New, "sha1": sha1.New, "sha224": sha256.New224, "sha256": sha256.New,
	"sha384": sha512.New384, "sha512": sha512.New, "sha3_224": sha3.New224, "sha3_256": sha3.New256,
	"sha3_384": sha3.New384, "sha3_512": sha3.New512,
}

func newHashlib() *hashlibModule {
	names := brine.FrozenSet{}
	for _, n := range sortedKeys(hashMakers) {
		names = append(names, n)
	}
	return &hashlibModule{Module: newModule("hashlib"), AlgorithmsGuaranteed: names, AlgorithmsAvailable: names}
}

// RPyCParams gives the constructors Python's arguments.
func (m *hashlibModule) RPyCParams() map[string]string {
	p := map[string]string{"New": "name, data=b'', usedforsecurity=True"}
	for _, n := range []string{"Md5", "Sha1", "Sha224", "Sha256", "Sha384", "Sha512", "Sha3224", "Sha3256", "Sha3384", "Sha3512"} {
		p[n] = "string=b'', usedforsecurity=True"
	}
	return p
}

// RPyCNames gives the sha3 constructors their names.
func (m *hashlibModule) RPyCNames() map[string]string {
	return map[string]string{"Sha3224": "sha3_224", "Sha3256": "sha3_256", "Sha3384": "sha3_384", "Sha3512": "sha3_512"}
}

func (m *hashlibModule) make(name string, data any) (*HashObject, error) {
	mk, ok := hashMakers[strings.ToLower(name)]
	if !ok {
		return nil, vinegar.New("ValueError", "unsupported hash type "+name)
	}
	h := &HashObject{h: mk(), Name: strings.ToLower(name)}
	h.DigestSize, h.BlockSize = h.h.Size(), h.h.BlockSize()
	return h, h.Update(data)
}

// New is hashlib.new(name, data=b”).
func (m *hashlibModule) New(name string, data any, usedforsecurity bool) (*HashObject, error) {
	return m.make(name, data)
}

// Md5 is hashlib.md5.
func (m *hashlibModule) Md5(data any, s bool) (*HashObject, error) { return m.make("md5", data) }

// Sha1 is hashlib.sha1.
func (m *hashlibModule) Sha1(data any, s bool) (*HashObject, error) { return m.make("sha1", data) }

// Sha224 is hashlib.sha224.
func (m *hashlibModule) Sha224(data any, s bool) (*HashObject, error) { return m.make("sha224", data) }

// Sha256 is hashlib.sha256.
func (m *hashlibModule) Sha256(data any, s bool) (*HashObject, error) { return m.make("sha256", data) }

// Sha384 is hashlib.sha384.
func (m *hashlibModule) Sha384(data any, s bool) (*HashObject, error) { return m.make("sha384", data) }

// Sha512 is hashlib.sha512.
func (m *hashlibModule) Sha512(data any, s bool) (*HashObject, error) { return m.make("sha512", data) }

// Sha3224 is hashlib.sha3_224.
func (m *hashlibModule) Sha3224(data any, s bool) (*HashObject, error) {
	return m.make("sha3_224", data)
}

// Sha3256 is hashlib.sha3_256.
func (m *hashlibModule) Sha3256(data any, s bool) (*HashObject, error) {
	return m.make("sha3_256", data)
}

// Sha3384 is hashlib.sha3_384.
func (m *hashlibModule) Sha3384(data any, s bool) (*HashObject, error) {
	return m.make("sha3_384", data)
}

// Sha3512 is hashlib.sha3_512.
func (m *hashlibModule) Sha3512(data any, s bool) (*HashObject, error) {
	return m.make("sha3_512", data)
}

// HashObject is a hashlib hash object.
type HashObject struct {
	h          hash.Hash
	Name       string `rpyc:"name"`
	DigestSize int    `rpyc:"digest_size"`
	BlockSize  int    `rpyc:"block_size"`
}

// RPyCTypeName is Python's class.
func (h *HashObject) RPyCTypeName() string { return "_hashlib.HASH" }

// GoString is Python's repr.
func (h *HashObject) GoString() string {
	return fmt.Sprintf("<%s _hashlib.HASH object @ %p>", h.Name, h)
}

// bytesArg reads a bytes-like argument (str is a TypeError, as in
// Python).
func bytesArg(v any, what string) ([]byte, error) {
	if c, isCode, err := python.Copy(context.Background(), v); isCode && err == nil {
		v = c // a bytearray of code
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []byte:
		return x, nil
	case string:
		return nil, vinegar.New("TypeError", fmt.Sprintf("Strings must be encoded before %s", what))
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("a bytes-like object is required, not '%s'", pyType(v)))
}

// Update is update(data).
func (h *HashObject) Update(data any) error {
	b, err := bytesArg(data, "hashing")
	if err != nil {
		return err
	}
	h.h.Write(b)
	return nil
}

// Digest is digest().
func (h *HashObject) Digest() []byte { return h.h.Sum(nil) }

// Hexdigest is hexdigest().
func (h *HashObject) Hexdigest() string { return hex.EncodeToString(h.h.Sum(nil)) }

// Copy is copy(): a hash of the same data so far.
func (h *HashObject) Copy() (*HashObject, error) {
	type cloner interface {
		MarshalBinary() ([]byte, error)
	}
	c := &HashObject{h: hashMakers[h.Name](), Name: h.Name, DigestSize: h.DigestSize, BlockSize: h.BlockSize}
	m, ok := h.h.(cloner)
	u, ok2 := c.h.(interface{ UnmarshalBinary([]byte) error })
	if !ok || !ok2 {
		return nil, vinegar.New("ValueError", "this hash cannot be copied here")
	}
	state, err := m.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return c, u.UnmarshalBinary(state)
}

// base64Module is Python's base64.
type base64Module struct{ Module }

// RPyCParams gives the functions Python's arguments.
func (base64Module) RPyCParams() map[string]string {
	return map[string]string{"B64encode": "s, altchars=None", "B64decode": "s, altchars=None, validate=False"}
}

func b64in(v any) ([]byte, error) {
	if s, ok := v.(string); ok {
		for _, c := range s {
			if c > 0x7f {
				return nil, vinegar.New("ValueError", "string argument should contain only ASCII characters")
			}
		}
		return []byte(s), nil
	}
	return bytesArg(v, "decoding")
}

// B64encode is base64.b64encode.
func (base64Module) B64encode(s, altchars any) ([]byte, error) {
	b, err := bytesArg(s, "encoding")
	if err != nil {
		return nil, err
	}
	out := base64.StdEncoding.EncodeToString(b)
	if alt, ok := altchars.([]byte); ok && len(alt) == 2 {
		out = strings.NewReplacer("+", string(alt[0]), "/", string(alt[1])).Replace(out)
	}
	return []byte(out), nil
}

// B64decode is base64.b64decode, with binascii.Error for bad input.
func (base64Module) B64decode(s, altchars any, validate bool) ([]byte, error) {
	b, err := b64in(s)
	if err != nil {
		return nil, err
	}
	text := string(b)
	if alt, ok := altchars.([]byte); ok && len(alt) == 2 {
		text = strings.NewReplacer(string(alt[0]), "+", string(alt[1]), "/").Replace(text)
	}
	if !validate {
		text = strings.Map(func(r rune) rune {
			if (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '+' || r == '/' || r == '=' {
				return r
			}
			return -1
		}, text)
	}
	return b64decode(base64.StdEncoding, text)
}

func b64decode(enc *base64.Encoding, text string) ([]byte, error) {
	data := strings.TrimRight(text, "=")
	if len(data)%4 == 1 {
		return nil, errBinasciiError.New(fmt.Sprintf("Invalid base64-encoded string: number of data characters (%d) cannot be 1 more than a multiple of 4", len(data)))
	}
	out, err := enc.WithPadding(base64.NoPadding).DecodeString(data)
	if err != nil {
		return nil, errBinasciiError.New("Incorrect padding")
	}
	if pad := len(text) - len(data); pad > 0 && (len(data)+pad)%4 != 0 {
		return nil, errBinasciiError.New("Incorrect padding")
	}
	if len(text)%4 != 0 && len(text) == len(data) {
		return nil, errBinasciiError.New("Incorrect padding")
	}
	return out, nil
}

// StandardB64encode is base64.standard_b64encode.
func (m base64Module) StandardB64encode(s any) ([]byte, error) { return m.B64encode(s, nil) }

// StandardB64decode is base64.standard_b64decode.
func (m base64Module) StandardB64decode(s any) ([]byte, error) { return m.B64decode(s, nil, false) }

// UrlsafeB64encode is base64.urlsafe_b64encode.
func (m base64Module) UrlsafeB64encode(s any) ([]byte, error) { return m.B64encode(s, []byte("-_")) }

// UrlsafeB64decode is base64.urlsafe_b64decode.
func (m base64Module) UrlsafeB64decode(s any) ([]byte, error) {
	return m.B64decode(s, []byte("-_"), false)
}

// Encodebytes is base64.encodebytes: lines of 76 characters.
func (m base64Module) Encodebytes(s any) ([]byte, error) {
	b, err := bytesArg(s, "encoding")
	if err != nil {
		return nil, err
	}
	enc := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(enc) > 76 {
		out.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	if enc != "" || len(b) == 0 {
		if enc != "" {
			out.WriteString(enc + "\n")
		}
	}
	return []byte(out.String()), nil
}

// Decodebytes is base64.decodebytes.
func (m base64Module) Decodebytes(s any) ([]byte, error) { return m.B64decode(s, nil, false) }

// B32encode is base64.b32encode.
func (base64Module) B32encode(s any) ([]byte, error) {
	b, err := bytesArg(s, "encoding")
	return []byte(base32.StdEncoding.EncodeToString(b)), err
}

// B32decode is base64.b32decode.
func (base64Module) B32decode(s any) ([]byte, error) {
	b, err := b64in(s)
	if err != nil {
		return nil, err
	}
	out, derr := base32.StdEncoding.DecodeString(string(b))
	if derr != nil {
		return nil, errBinasciiError.New("Incorrect padding")
	}
	return out, nil
}

// B16encode is base64.b16encode.
func (base64Module) B16encode(s any) ([]byte, error) {
	b, err := bytesArg(s, "encoding")
	return []byte(strings.ToUpper(hex.EncodeToString(b))), err
}

// B16decode is base64.b16decode.
func (base64Module) B16decode(s any) ([]byte, error) {
	b, err := b64in(s)
	if err != nil {
		return nil, err
	}
	out, derr := hex.DecodeString(string(b))
	if derr != nil || string(b) != strings.ToUpper(string(b)) {
		return nil, errBinasciiError.New("Non-base16 digit found")
	}
	return out, nil
}

// zlibModule is Python's zlib.
type zlibModule struct {
	Module
	Error *vinegar.Class `rpyc:"error"`
}

// RPyCParams gives the functions Python's arguments.
func (zlibModule) RPyCParams() map[string]string {
	return map[string]string{"Compress": "data, level=-1", "Decompress": "data, wbits=15, bufsize=16384", "Crc32": "data, value=0", "Adler32": "data, value=1"}
}

// Compress is zlib.compress.
func (zlibModule) Compress(data any, level int) ([]byte, error) {
	b, err := bytesArg(data, "compressing")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := zlib.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, errZlibError.New("Bad compression level")
	}
	w.Write(b)
	w.Close()
	return buf.Bytes(), nil
}

// Decompress is zlib.decompress (zlib, gzip or raw deflate by wbits).
func (zlibModule) Decompress(data any, wbits, bufsize int) ([]byte, error) {
	b, err := bytesArg(data, "decompressing")
	if err != nil {
		return nil, err
	}
	var r io.Reader
	switch {
	case wbits >= 25 && wbits <= 31:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, errZlibError.New("Error -3 while decompressing data: incorrect header check")
		}
		r = zr
	default:
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, errZlibError.New("Error -3 while decompressing data: incorrect header check")
		}
		r = zr
	}
	out, err := io.ReadAll(io.LimitReader(r, 1<<30))
	if err != nil {
		return nil, errZlibError.New("Error -5 while decompressing data: incomplete or truncated stream")
	}
	return out, nil
}

// Crc32 is zlib.crc32.
func (zlibModule) Crc32(data any, value int64) (int64, error) {
	b, err := bytesArg(data, "hashing")
	if err != nil {
		return 0, err
	}
	return int64(crc32.Update(uint32(value), crc32.IEEETable, b)), nil
}

// Adler32 is zlib.adler32 (of the data alone when value is 1).
func (zlibModule) Adler32(data any, value int64) (int64, error) {
	b, err := bytesArg(data, "hashing")
	if err != nil {
		return 0, err
	}
	if value != 1 {
		return 0, vinegar.New("NotImplementedError", "zlib.adler32 with a starting value is not supported here")
	}
	return int64(adler32.Checksum(b)), nil
}

// gzipModule is Python's gzip.
type gzipModule struct {
	Module
	BadGzipFile *vinegar.Class `rpyc:"BadGzipFile"`
}

// RPyCParams gives the functions Python's arguments.
func (gzipModule) RPyCParams() map[string]string {
	return map[string]string{"Compress": "data, compresslevel=9, mtime=None", "Decompress": "data",
		"Open": "filename, mode='rb', compresslevel=9, encoding=None, errors=None, newline=None"}
}

// Compress is gzip.compress.
func (gzipModule) Compress(data any, level int, mtime any) ([]byte, error) {
	b, err := bytesArg(data, "compressing")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, level)
	if err != nil {
		return nil, vinegar.New("ValueError", "Invalid compresslevel")
	}
	w.Write(b)
	w.Close()
	return buf.Bytes(), nil
}

// Decompress is gzip.decompress.
func (gzipModule) Decompress(data any) ([]byte, error) {
	b, err := bytesArg(data, "decompressing")
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		if len(b) < 2 {
			return nil, vinegar.New("EOFError", "Compressed file ended before the end-of-stream marker was reached")
		}
		return nil, osErr(errBadGzipFile, fmt.Sprintf("Not a gzipped file (%s)", brine.Repr(b[:2])))
	}
	return io.ReadAll(io.LimitReader(zr, 1<<30))
}

// Open is gzip.open: the whole file is read (or written when closed).
func (g gzipModule) Open(filename any, mode string, level int, encoding, errs, newline any) (any, error) {
	return nil, vinegar.New("NotImplementedError", "gzip.open is not supported by this server; use gzip.compress/decompress with open()")
}
