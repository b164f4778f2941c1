// Package tokenserializers is simplejwt's serializers module: the login (TokenObtainPair,
// TokenObtainSliding), TokenRefresh, TokenRefreshSliding, TokenVerify and TokenBlacklist
// workflows, and the password change, with what ginrest adds to them (a session per login,
// reuse detection, token versions). They are written by hand over the serializer engine's
// CharField, since each is a workflow (authenticate, rotate, blacklist) more than a shape,
// and they are the only serializers that know users and tokens: the engine in serializers
// imports neither.
package tokenserializers
