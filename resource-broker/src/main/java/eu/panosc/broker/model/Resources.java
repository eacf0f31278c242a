package eu.panosc.broker.model;

import eu.panosc.platform.input.Input;

/**
 * An amount of compute: whole CPU cores, memory in MiB and GPUs. Used for flavours (what a session asks for),
 * cluster capacity and what is in use.
 */
public record Resources(long cpu, long memoryMi, long gpu) {
  public static final Resources NONE = new Resources(0, 0, 0);

  public Resources {
    Input.range("cpu", cpu, 0, 1_000_000);
    Input.range("memoryMi", memoryMi, 0, 1_000_000_000L);
    Input.range("gpu", gpu, 0, 100_000);
  }

  public Resources plus(Resources o) {
    return new Resources(cpu + o.cpu, memoryMi + o.memoryMi, gpu + o.gpu);
  }

  /** This minus {@code o}, floored at zero per dimension. */
  public Resources minus(Resources o) {
    return new Resources(Math.max(0, cpu - o.cpu), Math.max(0, memoryMi - o.memoryMi), Math.max(0, gpu - o.gpu));
  }

  /** Whether {@code o} fits into this in every dimension. */
  public boolean fits(Resources o) {
    return o.cpu <= cpu && o.memoryMi <= memoryMi && o.gpu <= gpu;
  }
}
