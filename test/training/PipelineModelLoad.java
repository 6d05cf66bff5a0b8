// Loads saved PipelineModels with Spark's own PipelineModel.load in a local JVM Spark (no Spark Connect) and
// prints their predictions, so a test can check the models are in Spark's native format.
// Arguments: <schema DDL> then pairs of <model dir> <CSV file with header>.
// Output, per model: one JSON line {"uid", "stages"}, then one JSON line per input row {"prediction", "probability"?}.
import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

public class PipelineModelLoad {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder()
        .master("local[1]")
        .appName("pipeline-model-load")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    for (int i = 1; i + 1 < args.length; i += 2) {
      PipelineModel model = PipelineModel.load(args[i]);
      String stages = Arrays.stream(model.stages())
          .map(stage -> "\"" + stage.getClass().getName() + "\"")
          .collect(Collectors.joining(","));
      System.out.println("{\"uid\":\"" + model.uid() + "\",\"stages\":[" + stages + "]}");
      Dataset<Row> input = spark.read().schema(args[0]).option("header", "true").csv(args[i + 1]);
      Dataset<Row> output = model.transform(input);
      boolean classifier = Arrays.asList(output.columns()).contains("probability");
      Column fields = classifier
          ? struct(col("prediction"), vector_to_array(col("probability"), "float64").as("probability"))
          : struct(col("prediction"));
      for (String line : output.select(to_json(fields)).as(Encoders.STRING()).collectAsList()) {
        System.out.println(line);
      }
    }
    spark.stop();
  }
}
