/**
 * Bjøntegaard delta rate: how many more (or fewer) bits curve B spends than
 * curve A for the same quality, averaged over the quality range both cover —
 * the usual way to compare two codecs over a range rather than at one point.
 * Log-bitrate is interpolated linearly in VMAF between probes (the classic
 * form fits a cubic; with three or four probes per curve the straight segments
 * hide less).
 */

export interface RatePoint {
  kbps: number;
  vmaf: number;
}

/** log(kbps) at `vmaf` on a curve sorted by rising VMAF (linear between points; null outside). */
function logRateAt(curve: RatePoint[], vmaf: number): number | null {
  for (let i = 1; i < curve.length; i++) {
    const a = curve[i - 1]!, b = curve[i]!;
    if (vmaf >= a.vmaf && vmaf <= b.vmaf) {
      const f = b.vmaf === a.vmaf ? 0 : (vmaf - a.vmaf) / (b.vmaf - a.vmaf);
      return Math.log(a.kbps) + f * (Math.log(b.kbps) - Math.log(a.kbps));
    }
  }
  return null;
}

/** Sorted by rising bitrate, keeping only points that raise the quality (a noisy probe cannot fold the curve back). */
function monotone(points: RatePoint[]): RatePoint[] {
  const out: RatePoint[] = [];
  for (const p of [...points].filter((p) => p.kbps > 0 && Number.isFinite(p.vmaf)).sort((a, b) => a.kbps - b.kbps)) {
    if (out.length === 0 || p.vmaf > out.at(-1)!.vmaf) out.push(p);
  }
  return out;
}

/**
 * B's bitrate against A's at equal VMAF, as a fraction (−0.3: B needs 30 % fewer
 * bits), with the VMAF range it was taken over; null when the curves share no
 * range (fewer than two usable points each, or qualities that do not overlap).
 */
export function bdRate(a: RatePoint[], b: RatePoint[], samples = 200): { rate: number; vmafRange: [number, number] } | null {
  const ca = monotone(a), cb = monotone(b);
  if (ca.length < 2 || cb.length < 2) return null;
  const lo = Math.max(ca[0]!.vmaf, cb[0]!.vmaf);
  const hi = Math.min(ca.at(-1)!.vmaf, cb.at(-1)!.vmaf);
  if (!(hi > lo)) return null;
  let sum = 0;
  for (let i = 0; i <= samples; i++) {
    const v = lo + ((hi - lo) * i) / samples;
    sum += logRateAt(cb, v)! - logRateAt(ca, v)!;
  }
  return { rate: Math.exp(sum / (samples + 1)) - 1, vmafRange: [lo, hi] };
}
