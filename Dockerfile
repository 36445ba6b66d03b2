# The grafanalint container image, for CI systems without Go:
#
#   docker run --rm -v "$PWD:/src" ghcr.io/grafanalint/grafanalint:v0.2.0
#
# GoReleaser (dockers_v2 in .goreleaser.yaml) builds it from the release
# binaries: the build context holds linux/amd64/grafanalint and
# linux/arm64/grafanalint, and buildx sets TARGETPLATFORM. The binary is
# static (CGO_ENABLED=0), so the base needs no libc: distroless/static has
# CA certificates, /etc/passwd and a non-root user, and nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/grafanalint /usr/bin/grafanalint
WORKDIR /src
ENTRYPOINT ["/usr/bin/grafanalint"]
