# The one image of the control plane: every service runs from it as `panosc serve <service>` (helm/panosc), and the
# schema migration Job as `panosc migrate`. Not multi-stage: it copies the jar the Maven build made
# (./mvnw -B -pl control-plane -am package -DskipTests -> control-plane/target/panosc.jar).
# Build: helm/build-image.sh (skips cleanly where no container tool exists), or
#   docker build -t ghcr.io/panosc-eu/panosc:0.1.0-SNAPSHOT .
# Base: Eclipse Temurin 25 JRE (Ubuntu). A distroless Java 25 base can be given with --build-arg BASE_IMAGE=...;
# it was not checked from the build machines (they reach Maven Central only), see docs/deploy.md.
ARG BASE_IMAGE=eclipse-temurin:25-jre
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="panosc" \
      org.opencontainers.image.description="PaNOSC control plane: federation-registry, aai-broker, policy-decision-point, resource-broker, metrics-accounting" \
      org.opencontainers.image.licenses="Apache-2.0"

COPY control-plane/target/panosc.jar /opt/panosc/panosc.jar

# Non-root, numeric (Kubernetes' runAsNonRoot checks a numeric UID); the root file system can be read-only:
# the JVM and panosc write only to /tmp (an emptyDir in the chart).
USER 10001:10001
WORKDIR /tmp
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=50 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Duser.home=/tmp"
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/panosc/panosc.jar"]
CMD ["--help"]
