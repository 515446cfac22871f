import { describe, expect, it } from "vitest";
import { isHdrRange, videoRangeOf } from "../../common/video-range.ts";

describe("a rendition's VIDEO-RANGE from its CODECS (common/video-range.ts)", () => {
  it("reads PQ and HLG from the transfer of a long-form AV1 entry", () => {
    expect(videoRangeOf("av01.0.08M.10.0.110.09.16.09.0")).toBe("PQ");
    expect(videoRangeOf("av01.0.08M.10.0.110.09.18.09.0,mp4a.40.2")).toBe("HLG");
    expect(videoRangeOf("mp4a.40.2, av01.0.08M.10.0.110.09.16.09.0")).toBe("PQ");
  });

  it("says SDR for BT.709 AV1, short forms, H.264 and audio: nothing unsaid is HDR", () => {
    for (const codecs of ["av01.0.04M.08.0.110.01.01.01.0", "av01.0.04M.10", "avc1.64001f,mp4a.40.2", "mp4a.40.2", "", "av01.0.04M.10.0.110.09"]) {
      expect(videoRangeOf(codecs), codecs).toBe("SDR");
    }
  });

  it("counts PQ and HLG as HDR and SDR as not", () => {
    expect([isHdrRange("PQ"), isHdrRange("HLG"), isHdrRange("SDR")]).toEqual([true, true, false]);
  });
});
