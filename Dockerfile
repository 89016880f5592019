# Builds the release binaries and runs guardpost-admin against the PostgreSQL given by DATABASE_URL.
FROM swift:6.2-bookworm AS build
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY migrations ./migrations
RUN swift build -c release --product guardpost-admin \
 && mkdir -p /out && cp .build/release/guardpost-admin /out/

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* && useradd --system --home /var/lib/guardpost guardpost \
 && mkdir -p /var/lib/guardpost && chown guardpost /var/lib/guardpost
COPY --from=build /usr/lib/swift/linux/*.so* /usr/lib/swift/linux/
COPY --from=build /out/guardpost-admin /usr/local/bin/guardpost-admin
ENV LD_LIBRARY_PATH=/usr/lib/swift/linux
USER guardpost
WORKDIR /var/lib/guardpost
EXPOSE 8080
# Migrations are compiled into the binary and applied at start.
ENTRYPOINT ["guardpost-admin"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/var/lib/guardpost"]
