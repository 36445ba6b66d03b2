# The grafanalint container image, for CI systems without Go:
#
#   docker run --rm -v "$PWD:/src" ghcr.io/grafanalint/grafanalint:v0.1.0
#
# GoReleaser (dockers_v2 in .goreleaser.yaml) builds it from the release
# binaries: the build context holds linux/amd64/grafanalint and
# linux/arm64/grafanalint, and buildx sets TARGETPLATFORM. The binary is
# static (CGO_ENABLED=0), so the base needs no libc. distroless/static's
# debug variant adds busybox's sh to CA certificates and /etc/passwd: CI
# systems that run job scripts inside the image (GitLab CI, a GitHub Actions
# container job) need a shell, and as root they can write reports into the
# checkout they mounted. "docker run --user 65532" runs it unprivileged.
FROM gcr.io/distroless/static-debian12:debug
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/grafanalint /usr/bin/grafanalint
WORKDIR /src
ENTRYPOINT ["/usr/bin/grafanalint"]
