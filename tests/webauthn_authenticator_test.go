package tests

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softKey is a software authenticator: one P-256 credential, "none" attestation, CBOR as
// CTAP2 writes it. It answers the options the server's begin gave, as a browser's
// navigator.credentials would, in PublicKeyCredential.toJSON()'s shape. Its fields are
// the knobs of the hostile tests: another origin, another RP ID, a counter set back.
type softKey struct {
	t          testing.TB
	key        *ecdsa.PrivateKey
	id         []byte
	userHandle []byte
	// Origin and RPID are what the client data and the authenticator data say.
	Origin, RPID string
	Counter      uint32
}

var b64 = base64.RawURLEncoding

func newSoftKey(t testing.TB) *softKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 32)
	_, _ = rand.Read(id)
	return &softKey{t: t, key: key, id: id, Origin: "http://localhost:8000", RPID: "localhost"}
}

// clientData is the collected client data of a ceremony.
func (k *softKey) clientData(typ, challenge string) []byte {
	b, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": k.Origin, "crossOrigin": false})
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

// authData is the authenticator data: RP ID hash, flags (user present and verified), the
// counter, and attested credential data when given.
func (k *softKey) authData(attested []byte) []byte {
	h := sha256.Sum256([]byte(k.RPID))
	flags := byte(0x01 | 0x04) // UP, UV
	if attested != nil {
		flags |= 0x40 // AT
	}
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, k.Counter)
	return append(out, attested...)
}

func (k *softKey) cbor(v any) []byte {
	b, err := cbor.Marshal(v)
	if err != nil {
		k.t.Fatal(err)
	}
	return b
}

// options decodes a begin's answer: its publicKey and state.
func options(t testing.TB, body []byte) (publicKey map[string]any, state string) {
	t.Helper()
	var c struct {
		PublicKey map[string]any `json:"publicKey"`
		State     string         `json:"state"`
	}
	if err := json.Unmarshal(body, &c); err != nil || c.State == "" {
		t.Fatalf("not a ceremony: %v %s", err, body)
	}
	return c.PublicKey, c.State
}

// create answers creation options with a new credential.
func (k *softKey) create(publicKey map[string]any) map[string]any {
	challenge, _ := publicKey["challenge"].(string)
	user, _ := publicKey["user"].(map[string]any)
	handle, _ := user["id"].(string)
	var err error
	if k.userHandle, err = b64.DecodeString(handle); err != nil {
		k.t.Fatalf("user.id %q: %v", handle, err)
	}
	x, y := k.key.X.FillBytes(make([]byte, 32)), k.key.Y.FillBytes(make([]byte, 32))
	cose := k.cbor(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y}) // EC2, ES256, P-256
	attested := make([]byte, 16)                                  // AAGUID: none
	attested = binary.BigEndian.AppendUint16(attested, uint16(len(k.id)))
	attested = append(append(attested, k.id...), cose...)
	att := k.cbor(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": k.authData(attested)})
	return map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(k.clientData("webauthn.create", challenge)),
			"attestationObject": b64.EncodeToString(att),
			"transports":        []string{"internal"},
		},
	}
}

// get answers request options with an assertion, the counter moved on first.
func (k *softKey) get(publicKey map[string]any) map[string]any {
	challenge, _ := publicKey["challenge"].(string)
	k.Counter++
	authData := k.authData(nil)
	cd := k.clientData("webauthn.get", challenge)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, authData...), h[:]...)) // ES256 signs the SHA-256
	sig, err := ecdsa.SignASN1(rand.Reader, k.key, digest[:])
	if err != nil {
		k.t.Fatal(err)
	}
	return map[string]any{
		"id": b64.EncodeToString(k.id), "rawId": b64.EncodeToString(k.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{
			"clientDataJSON":    b64.EncodeToString(cd),
			"authenticatorData": b64.EncodeToString(authData),
			"signature":         b64.EncodeToString(sig),
			"userHandle":        b64.EncodeToString(k.userHandle),
		},
	}
}
