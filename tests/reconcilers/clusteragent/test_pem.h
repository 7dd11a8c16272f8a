#pragma once
// A throwaway self-signed EC certificate and its key, for PEM well-formedness tests.
namespace testpem {
inline constexpr const char* kCert = R"(-----BEGIN CERTIFICATE-----
MIIBczCCARmgAwIBAgIUbc07YpF+GYKLwOm/3HIobrquGDswCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEdGVzdDAeFw0yNjExMjkwNzM4NTNaFw0zNjExMjYwNzM4NTNa
MA8xDTALBgNVBAMMBHRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASMg2Zv
7i4pd4A8KxDNVDz5WrjFPEf47WibLLXynKO+23lwaXhpU1BPh2gWe5j5dFH9D33E
6KTLV0SYM8tqwCdNo1MwUTAdBgNVHQ4EFgQUzM2eWnP8brixkSY6mU+bCJAJz14w
HwYDVR0jBBgwFoAUzM2eWnP8brixkSY6mU+bCJAJz14wDwYDVR0TAQH/BAUwAwEB
/zAKBggqhkjOPQQDAgNIADBFAiAfF6P4I1FobQl/mVrU+uOBEz2bMKKWK6J74b0Y
5XBxmAIhAOUopk0cndNJ4lPhaJWrI7E6Llj+YQBBhQfQnBIxi4Vq
-----END CERTIFICATE-----
)";
inline constexpr const char* kKey = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggxaPO8nW2GY9b86+
aGHq7znwC3iXxxvspHNHmBTcD7+hRANCAASMg2Zv7i4pd4A8KxDNVDz5WrjFPEf4
7WibLLXynKO+23lwaXhpU1BPh2gWe5j5dFH9D33E6KTLV0SYM8tqwCdN
-----END PRIVATE KEY-----
)";
}  // namespace testpem
