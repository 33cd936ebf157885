package org.blobsfile.core.internal.archive;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blobsfile.core.internal.pack.DeletionLog;

/**
 * One archived copy of the deletion log, known by its generation (how often the log had been
 * pruned) and its length, and the owner of its object name. Within one generation the log only
 * grows, so of two copies the one of the higher generation is the newer, and within a generation
 * the longer: a pruned log is shorter than the copies of the log it replaced, yet newer.
 *
 * <p>A copy of generation 0 keeps the name copies had before the log could be pruned,
 * {@code deletions/deletions.log.LENGTH}, so archives written then stay readable as they are; a
 * later generation is {@code deletions/deletions.log.gGENERATION.LENGTH}. Both numbers are written
 * with leading zeros (10 digits for the generation, 20 for the length), so names sort as copies do.
 *
 * @param generation the generation of the log copied: that of its first record when it says the
 *                   log was pruned, else 0
 * @param length     how many bytes of the log were copied
 */
public record DeletionLogCopy(int generation, long length) implements Comparable<DeletionLogCopy> {
    /** The folder of the archive that holds the copies. */
    public static final String FOLDER = "deletions/";
    /** No copy: what the ledger of a store that never archived its deletion log holds. */
    public static final DeletionLogCopy NONE = new DeletionLogCopy(0, 0);

    private static final String PREFIX = FOLDER + DeletionLog.FILE_NAME + ".";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(?:g([0-9]{10})\\.)?([0-9]{20})");

    /**
     * @param generation a generation, not negative
     * @param length     a length, not negative
     */
    public DeletionLogCopy {
        if (generation < 0 || length < 0) {
            throw new IllegalArgumentException("no copy of a deletion log has generation " + generation
                    + " and length " + length);
        }
    }

    /** @return the name of the archive object that holds this copy */
    public String objectName() {
        return generation == 0 ? String.format("%s%020d", PREFIX, length)
                : String.format("%sg%010d.%020d", PREFIX, generation, length);
    }

    /**
     * @param name an object name from the archive's listing of {@link #FOLDER}
     * @return the copy it names, or null when it names none (another object, or a name this
     *         version does not write)
     */
    public static DeletionLogCopy parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        try {
            int generation = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
            if (m.group(1) != null && generation == 0) {
                return null; // generation 0 is only ever named without a generation: no name we wrote
            }
            return new DeletionLogCopy(generation, Long.parseLong(m.group(2)));
        } catch (NumberFormatException e) {
            return null; // ten or twenty digits beyond what an int or a long holds: no name we wrote
        }
    }

    /**
     * @param other another copy
     * @return whether this copy holds deletions {@code other} lacks: a later generation, or the
     *         same one and longer
     */
    public boolean isNewerThan(DeletionLogCopy other) {
        return compareTo(other) > 0;
    }

    /** Orders copies from the oldest to the newest: by generation, then by length. */
    @Override
    public int compareTo(DeletionLogCopy o) {
        int c = Integer.compare(generation, o.generation);
        return c != 0 ? c : Long.compare(length, o.length);
    }
}
