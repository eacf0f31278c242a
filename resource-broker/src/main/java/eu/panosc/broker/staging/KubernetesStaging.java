package eu.panosc.broker.staging;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Staging on one Kubernetes cluster: an Indexed Job ({@code panosc-<session>-staging}), one completion per dataset,
 * copying {@code PANOSC_SOURCE_<index>} to {@code /staging/staged/<n>} of the session's scratch claim; the claim is
 * created first when absent (not owned by the Job: the session's pod mounts it afterwards; the session driver
 * deletes it when the session stops). No service-account token, non-root, bounded resources, the source URLs (no
 * credentials) in environment variables. Fabric8 calls block, so they run on worker threads.
 */
public final class KubernetesStaging {
  static final String ROLE = "panosc.eu/role";
  static final int PARALLELISM = 4;

  /** What the cluster says about a session's staging Job. */
  public record Observed(Phase phase, Set<Integer> completed, String reason) {
    /** The Job's phase. */
    public enum Phase { ABSENT, RUNNING, SUCCEEDED, FAILED }
  }

  private final Vertx vertx;
  private final KubernetesClient client;
  private final String namespace;
  private final StagingSettings settings;

  public KubernetesStaging(Vertx vertx, KubernetesClient client, String namespace, StagingSettings settings) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  public static String jobName(String sessionId) {
    return "panosc-" + sessionId + "-staging";
  }

  /** Creates the claim and the Job when absent (idempotent). */
  public Future<Void> start(StagingJob job) {
    return vertx.executeBlocking(() -> {
      if (client.persistentVolumeClaims().inNamespace(namespace).withName(job.claim()).get() == null) {
        client.persistentVolumeClaims().inNamespace(namespace).resource(claim(job, namespace)).create();
      }
      if (client.batch().v1().jobs().inNamespace(namespace).withName(jobName(job.sessionId())).get() == null) {
        client.batch().v1().jobs().inNamespace(namespace).resource(job(job, namespace, settings)).create();
      }
      return null;
    }, false);
  }

  /** The Job's phase and which indexes completed. */
  public Future<Observed> observe(String sessionId) {
    return vertx.executeBlocking(() -> {
      Job j = client.batch().v1().jobs().inNamespace(namespace).withName(jobName(sessionId)).get();
      if (j == null || j.getMetadata().getDeletionTimestamp() != null) {
        return new Observed(Observed.Phase.ABSENT, Set.of(), "");
      }
      var status = j.getStatus();
      Set<Integer> done = status == null ? Set.of() : indexes(status.getCompletedIndexes());
      if (status != null && status.getConditions() != null) {
        for (var c : status.getConditions()) {
          if ("True".equals(c.getStatus()) && "Failed".equals(c.getType())) {
            return new Observed(Observed.Phase.FAILED, done, (c.getReason() == null ? "Failed" : c.getReason())
                + (c.getMessage() == null ? "" : ": " + c.getMessage()));
          }
          if ("True".equals(c.getStatus()) && "Complete".equals(c.getType())) {
            return new Observed(Observed.Phase.SUCCEEDED, done, "");
          }
        }
      }
      int completions = j.getSpec().getCompletions() == null ? 1 : j.getSpec().getCompletions();
      if (status != null && status.getSucceeded() != null && status.getSucceeded() >= completions) {
        return new Observed(Observed.Phase.SUCCEEDED, done, "");
      }
      return new Observed(Observed.Phase.RUNNING, done, "");
    }, false);
  }

  /** Deletes the Job and its pods (the claim stays for the session). */
  public Future<Void> remove(String sessionId) {
    return vertx.executeBlocking(() -> {
      client.batch().v1().jobs().inNamespace(namespace).withName(jobName(sessionId)).withPropagationPolicy(
          io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
      return null;
    }, false);
  }

  /** Parses a Job's {@code completedIndexes} ("0,2-4"); malformed parts are ignored. */
  static Set<Integer> indexes(String s) {
    Set<Integer> out = new TreeSet<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    for (String part : s.split(",")) {
      try {
        int dash = part.indexOf('-');
        if (dash < 0) {
          out.add(Integer.parseInt(part.strip()));
        } else {
          int from = Integer.parseInt(part.substring(0, dash).strip());
          int to = Integer.parseInt(part.substring(dash + 1).strip());
          for (int i = from; i <= to && i - from < 100_000; i++) {
            out.add(i);
          }
        }
      } catch (NumberFormatException e) {
        // a malformed part counts as nothing completed
      }
    }
    return out;
  }

  static Map<String, String> labels(StagingJob job) {
    Map<String, String> l = new LinkedHashMap<>(job.labels());
    l.put(ROLE, "staging");
    return l;
  }

  static PersistentVolumeClaim claim(StagingJob job, String namespace) {
    return new PersistentVolumeClaimBuilder().withNewMetadata().withName(job.claim()).withNamespace(namespace)
        .withLabels(job.labels()).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .withRequests(Map.of("storage", new Quantity(job.claimGi() + "Gi"))).endResources().endSpec().build();
  }

  static Job job(StagingJob job, String namespace, StagingSettings settings) {
    List<EnvVar> env = new ArrayList<>();
    // rclone needs a writable home for its (empty) configuration; the root file system is read-only
    env.add(new EnvVarBuilder().withName("HOME").withValue("/tmp").build());
    for (int i = 0; i < job.items().size(); i++) {
      StagingJob.Item item = job.items().get(i);
      env.add(new EnvVarBuilder().withName("PANOSC_SOURCE_" + i).withValue(item.source().toString()).build());
      env.add(new EnvVarBuilder().withName("PANOSC_TARGET_" + i).withValue("/staging/" + StagingJob.subPath(item.n()))
          .build());
    }
    // the index picks its source and target; nothing secret is in the script or the environment
    String script = "set -eu; i=\"$JOB_COMPLETION_INDEX\"; eval \"src=\\$PANOSC_SOURCE_$i; dst=\\$PANOSC_TARGET_$i\"; "
        + "mkdir -p \"$dst\"; exec rclone copy --http-url \"$src\" :http: \"$dst\"";
    Map<String, String> labels = labels(job);
    int n = job.items().size();
    return new JobBuilder().withNewMetadata().withName(jobName(job.sessionId())).withNamespace(namespace)
        .withLabels(labels).endMetadata()
        .withNewSpec().withCompletionMode("Indexed").withCompletions(n).withParallelism(Math.min(n, PARALLELISM))
        .withBackoffLimit(3 * n).withActiveDeadlineSeconds(settings.deadline().toSeconds())
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().withRestartPolicy("Never").withAutomountServiceAccountToken(false)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(65_534L).withFsGroup(65_534L).endSecurityContext()
        .addNewContainer().withName("copy").withImage(settings.image()).withCommand("/bin/sh", "-c", script)
        .withEnv(env)
        .withNewResources().withRequests(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi")))
        .withLimits(Map.of("cpu", new Quantity("1"), "memory", new Quantity("512Mi"))).endResources()
        .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
        .addNewVolumeMount().withName("scratch").withMountPath("/staging").endVolumeMount()
        .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount()
        .endContainer()
        .addNewVolume().withName("scratch").withNewPersistentVolumeClaim().withClaimName(job.claim())
        .withReadOnly(false).endPersistentVolumeClaim().endVolume()
        .addNewVolume().withName("tmp").withNewEmptyDir().endEmptyDir().endVolume()
        .endSpec().endTemplate().endSpec().build();
  }
}
