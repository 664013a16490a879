package org.segopt.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.segopt.cli.Main;

/**
 * The entry point of {@code spark-submit --class org.segopt.spark.SparkMain segopt-spark.jar
 * report|lidc|pool ARGS}: the segopt command line, with {@code --spark} set to the master
 * spark-submit chose ({@code local[*]} without one) unless the arguments name one.
 */
public final class SparkMain {
    private static final List<String> JOBS = List.of("report", "lidc", "pool");

    private SparkMain() {
    }

    public static void main(String[] args) {
        List<String> line = new ArrayList<>(Arrays.asList(args));
        if (!line.isEmpty() && JOBS.contains(line.getFirst()) && !line.contains("--spark")) {
            line.add("--spark");
            line.add(System.getProperty("spark.master", "local[*]"));
        }
        Main.main(line.toArray(String[]::new));
    }
}
