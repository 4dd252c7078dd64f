package dev.adjoint.openvino.engine.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DetectionOutput-0/8 in float32, as OpenVINO's reference: decode each prior's box offsets (CORNER or CENTER_SIZE
 * codes, variances from the priors or encoded in the targets, normalized or pixel priors), keep per class the boxes
 * above the confidence threshold, at most {@code top_k} of them by score, suppress overlaps above the NMS threshold
 * (Caffe style, or MXNet style with {@code decrease_label_id}), then keep the {@code keep_top_k} best per image.
 * Rows are {@code [image, label, score, xmin, ymin, xmax, ymax]}; a row with image -1 ends the list.
 */
public final class DetectionOutputs {
    private DetectionOutputs() {
    }

    /** The op's attributes; {@code numClasses} is given (DetectionOutput-0) or derived from the input shapes (-8). */
    public record Attributes(int numClasses, int backgroundLabelId, int topK, boolean varianceEncodedInTarget,
            int keepTopK, boolean centerSize, boolean shareLocation, float nmsThreshold, float confidenceThreshold,
            boolean clipAfterNms, boolean clipBeforeNms, boolean decreaseLabelId, boolean normalized, int inputHeight,
            int inputWidth, float objectnessScore) {
    }

    /** A box as xmin, ymin, xmax, ymax. */
    record Box(float xmin, float ymin, float xmax, float ymax) {
        float size() {
            if (xmax < xmin || ymax < ymin) {
                return 0;
            }
            return (xmax - xmin) * (ymax - ymin);
        }
    }

    /**
     * Runs the op.
     *
     * @param location box offsets, {@code [images, priors * locClasses * 4]}
     * @param confidence class scores, {@code [images, priors * classes]}
     * @param priors {@code [priorBatches, 1 or 2, priors * priorSize]}: boxes, then variances unless encoded in the
     *     targets
     * @param armConfidence the additional objectness scores {@code [images, priors * 2]}, or null
     * @param armLocation the additional box offsets (shaped as {@code location}), or null
     * @param outputRows the rows of the [1, 1, rows, 7] output
     */
    public static float[] run(Attributes a, int images, float[] location, float[] confidence, float[] priors,
            int priorBatches, int priorsPerBatch, float[] armConfidence, float[] armLocation, int outputRows) {
        int priorSize = a.normalized() ? 4 : 5;
        int numPriors = priorsPerBatch / priorSize;
        int numClasses = a.numClasses();
        int locClasses = a.shareLocation() ? 1 : numClasses;
        checkLength("box logits", location.length, (long) images * numPriors * locClasses * 4);
        checkLength("class predictions", confidence.length, (long) images * numPriors * numClasses);
        boolean cascade = armConfidence != null && armLocation != null;
        float[] out = new float[outputRows * 7];
        int count = 0;
        for (int img = 0; img < images; img++) {
            int pb = priorBatches == 1 ? 0 : img;
            int stride = a.varianceEncodedInTarget() ? numPriors * priorSize : 2 * numPriors * priorSize;
            int priorBase = pb * stride;
            Box[] priorBoxes = new Box[numPriors];
            float[][] variances = new float[numPriors][];
            for (int p = 0; p < numPriors; p++) {
                int s = priorBase + p * priorSize + (a.normalized() ? 0 : 1);
                priorBoxes[p] = new Box(priors[s], priors[s + 1], priors[s + 2], priors[s + 3]);
                if (!a.varianceEncodedInTarget()) {
                    int v = priorBase + numPriors * priorSize + p * 4;
                    variances[p] = new float[] {priors[v], priors[v + 1], priors[v + 2], priors[v + 3]};
                }
            }
            // Scores per class: with the cascade, priors whose objectness is below the threshold are background.
            float[][] scores = new float[numClasses][numPriors];
            for (int p = 0; p < numPriors; p++) {
                boolean suppressed = cascade && armConfidence[(img * numPriors + p) * 2 + 1] < a.objectnessScore();
                for (int c = 0; c < numClasses; c++) {
                    scores[c][p] = suppressed ? (c == a.backgroundLabelId() ? 1 : 0)
                            : confidence[(img * numPriors + p) * numClasses + c];
                }
            }
            // Decoded boxes per location class (-1 when shared).
            Map<Integer, Box[]> decoded = new TreeMap<>();
            for (int c = 0; c < locClasses; c++) {
                int label = a.shareLocation() ? -1 : c;
                if (a.backgroundLabelId() > -1 && label == a.backgroundLabelId()) {
                    continue;
                }
                Box[] base = priorBoxes;
                if (cascade) {
                    base = decodeAll(a, base, variances, armLocation, img, numPriors, locClasses, c);
                }
                decoded.put(label, decodeAll(a, base, variances, location, img, numPriors, locClasses, c));
            }
            TreeMap<Integer, List<Integer>> indices = new TreeMap<>();
            int detections = 0;
            if (!a.decreaseLabelId()) {
                for (int c = 0; c < numClasses; c++) {
                    if (c == a.backgroundLabelId()) {
                        continue;
                    }
                    Box[] boxes = decoded.get(a.shareLocation() ? -1 : c);
                    if (boxes == null) {
                        continue;
                    }
                    List<Integer> kept = caffeNms(a, boxes, scores[c]);
                    indices.put(c, kept);
                    detections += kept.size();
                }
            } else {
                detections = mxNetNms(a, decoded, scores, numPriors, indices);
            }
            if (a.keepTopK() > -1 && detections > a.keepTopK()) {
                List<long[]> pairs = new ArrayList<>();
                for (Map.Entry<Integer, List<Integer>> e : indices.entrySet()) {
                    for (int idx : e.getValue()) {
                        pairs.add(new long[] {e.getKey(), idx});
                    }
                }
                pairs.sort(byScoreThenPrior(scores));
                TreeMap<Integer, List<Integer>> best = new TreeMap<>();
                for (long[] pr : pairs.subList(0, a.keepTopK())) {
                    best.computeIfAbsent((int) pr[0], k -> new ArrayList<>()).add((int) pr[1]);
                }
                indices = best;
            }
            for (Map.Entry<Integer, List<Integer>> e : indices.entrySet()) {
                int label = e.getKey();
                Box[] boxes = decoded.get(a.shareLocation() ? -1 : label);
                if (boxes == null) {
                    continue;
                }
                for (int idx : e.getValue()) {
                    if (count >= outputRows) {
                        throw new IllegalStateException("more detections than the " + outputRows + " output rows");
                    }
                    Box b = boxes[idx];
                    float[] coords = {b.xmin(), b.ymin(), b.xmax(), b.ymax()};
                    if (a.clipAfterNms()) {
                        for (int j = 0; j < 4; j++) {
                            coords[j] = Math.max(0f, Math.min(1f, coords[j]));
                        }
                    }
                    int o = count * 7;
                    out[o] = img;
                    out[o + 1] = a.decreaseLabelId() ? label - 1 : label;
                    out[o + 2] = scores[label][idx];
                    System.arraycopy(coords, 0, out, o + 3, 4);
                    count++;
                }
            }
        }
        if (count < outputRows) {
            out[count * 7] = -1;
        }
        return out;
    }

    private static void checkLength(String what, long got, long want) {
        if (got != want) {
            throw new IllegalArgumentException(what + " hold " + got + " values, the priors and classes need " + want);
        }
    }

    /** Highest score first; equal scores by the lower prior index. */
    private static Comparator<long[]> byScoreThenPrior(float[][] scores) {
        return (p, q) -> {
            float sp = scores[(int) p[0]][(int) p[1]];
            float sq = scores[(int) q[0]][(int) q[1]];
            if (sp != sq) {
                return sp > sq ? -1 : 1;
            }
            return Long.compare(p[1], q[1]);
        };
    }

    private static Box[] decodeAll(Attributes a, Box[] priors, float[][] variances, float[] location, int img,
            int numPriors, int locClasses, int c) {
        Box[] out = new Box[numPriors];
        for (int p = 0; p < numPriors; p++) {
            int s = ((img * numPriors + p) * locClasses + c) * 4;
            Box offsets = new Box(location[s], location[s + 1], location[s + 2], location[s + 3]);
            Box d = decode(a, priors[p], a.varianceEncodedInTarget() ? null : variances[p], offsets);
            if (a.clipBeforeNms()) {
                d = new Box(clip01(d.xmin()), clip01(d.ymin()), clip01(d.xmax()), clip01(d.ymax()));
            }
            out[p] = d;
        }
        return out;
    }

    private static float clip01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    /** One box from its prior and predicted offsets; a null variance means the offsets carry it already. */
    static Box decode(Attributes a, Box prior, float[] variance, Box offsets) {
        float px0 = prior.xmin();
        float py0 = prior.ymin();
        float px1 = prior.xmax();
        float py1 = prior.ymax();
        if (!a.normalized()) {
            px0 /= a.inputWidth();
            py0 /= a.inputHeight();
            px1 /= a.inputWidth();
            py1 /= a.inputHeight();
        }
        float[] v = variance == null ? new float[] {1, 1, 1, 1} : variance;
        if (!a.centerSize()) {
            return new Box(px0 + v[0] * offsets.xmin(), py0 + v[1] * offsets.ymin(), px1 + v[2] * offsets.xmax(),
                    py1 + v[3] * offsets.ymax());
        }
        float pw = px1 - px0;
        float ph = py1 - py0;
        float pcx = (px0 + px1) / 2;
        float pcy = (py0 + py1) / 2;
        float cx = v[0] * offsets.xmin() * pw + pcx;
        float cy = v[1] * offsets.ymin() * ph + pcy;
        float w = (float) Math.exp(v[2] * offsets.xmax()) * pw;
        float h = (float) Math.exp(v[3] * offsets.ymax()) * ph;
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }

    /** Intersection over union; boxes that only touch have none. */
    static float jaccard(Box a, Box b) {
        if (b.xmin() > a.xmax() || b.xmax() < a.xmin() || b.ymin() > a.ymax() || b.ymax() < a.ymin()) {
            return 0;
        }
        float w = Math.min(a.xmax(), b.xmax()) - Math.max(a.xmin(), b.xmin());
        float h = Math.min(a.ymax(), b.ymax()) - Math.max(a.ymin(), b.ymin());
        if (w > 0 && h > 0) {
            float inter = w * h;
            return inter / (a.size() + b.size() - inter);
        }
        return 0;
    }

    /** Caffe's NMS for one class: candidates above the threshold, best first, at most top_k, greedy suppression. */
    private static List<Integer> caffeNms(Attributes a, Box[] boxes, float[] scores) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > a.confidenceThreshold()) {
                candidates.add(i);
            }
        }
        // Stable: equal scores keep the lower index first.
        candidates.sort((p, q) -> Float.compare(scores[q], scores[p]));
        if (a.topK() > -1 && a.topK() < candidates.size()) {
            candidates = new ArrayList<>(candidates.subList(0, a.topK()));
        }
        List<Integer> kept = new ArrayList<>();
        for (int idx : candidates) {
            boolean keep = true;
            for (int k : kept) {
                if (jaccard(boxes[idx], boxes[k]) > a.nmsThreshold()) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                kept.add(idx);
            }
        }
        return kept;
    }

    /** MXNet's NMS: each prior votes for its best non-background class, then one greedy pass over all votes. */
    private static int mxNetNms(Attributes a, Map<Integer, Box[]> decoded, float[][] scores, int numPriors,
            TreeMap<Integer, List<Integer>> indices) {
        List<long[]> votes = new ArrayList<>();
        for (int p = 0; p < numPriors; p++) {
            float best = -1;
            int id = 0;
            for (int c = 1; c < scores.length; c++) {
                if (a.backgroundLabelId() > -1 && c == a.backgroundLabelId()) {
                    continue;
                }
                if (scores[c][p] > best) {
                    best = scores[c][p];
                    id = c;
                }
            }
            if (id > 0 && best >= a.confidenceThreshold()) {
                votes.add(new long[] {id, p});
            }
        }
        votes.sort(byScoreThenPrior(scores));
        if (a.topK() != -1 && votes.size() > a.topK()) {
            votes = votes.subList(0, a.topK());
        }
        int total = 0;
        for (long[] v : votes) {
            int cls = (int) v[0];
            int prior = (int) v[1];
            List<Integer> current = indices.computeIfAbsent(cls, k -> new ArrayList<>());
            Box[] boxes = decoded.get(a.shareLocation() ? -1 : cls);
            boolean keep = true;
            for (int k : current) {
                if (jaccard(boxes[prior], boxes[k]) > a.nmsThreshold()) {
                    keep = false;
                    break;
                }
            }
            if (keep) {
                current.add(prior);
                total++;
            }
        }
        return total;
    }
}
