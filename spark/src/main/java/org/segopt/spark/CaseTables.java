package org.segopt.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Writes {@code cases.parquet}: the rows of {@code cases.csv} with typed columns (integers as
 * long, decimals as double, flags as boolean, the rest, exact fractions among them, as strings;
 * empty fields null), one Parquet file.
 */
final class CaseTables {
    private CaseTables() {
    }

    static void writeParquet(SparkSession spark, Path file, List<String> header, List<List<Object>> rows) {
        DataType[] types = new DataType[header.size()];
        for (int c = 0; c < types.length; c++) {
            types[c] = DataTypes.StringType;
            for (List<Object> row : rows) {
                if (row.get(c) != null) {
                    types[c] = type(row.get(c));
                    break;
                }
            }
        }
        List<StructField> fields = new ArrayList<>();
        for (int c = 0; c < types.length; c++) {
            fields.add(DataTypes.createStructField(header.get(c), types[c], true));
        }
        List<Row> typed = new ArrayList<>();
        for (List<Object> row : rows) {
            Object[] values = new Object[types.length];
            for (int c = 0; c < types.length; c++) {
                values[c] = convert(row.get(c), types[c]);
            }
            typed.add(RowFactory.create(values));
        }
        spark.createDataFrame(typed, DataTypes.createStructType(fields)).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(file.toUri().toString());
    }

    private static DataType type(Object value) {
        return switch (value) {
            case Integer _, Long _ -> DataTypes.LongType;
            case Double _, Float _ -> DataTypes.DoubleType;
            case Boolean _ -> DataTypes.BooleanType;
            default -> DataTypes.StringType;
        };
    }

    private static Object convert(Object value, DataType type) {
        if (value == null) {
            return null;
        }
        if (type == DataTypes.LongType) {
            return ((Number) value).longValue();
        }
        if (type == DataTypes.DoubleType) {
            return ((Number) value).doubleValue();
        }
        return type == DataTypes.BooleanType ? value : value.toString();
    }
}
