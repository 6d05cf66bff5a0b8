// Predicted peak hour: the label, and how sure the model is as a bar.
import type { PeakHourResponse } from '../../api/contract.ts'

export function PeakResult({ prediction }: { prediction: PeakHourResponse }) {
  const probability = prediction.probability_of_predicted_class
  const peak = prediction.predicted_is_peak_hour === 1
  return (
    <div className="result">
      <p className="result-line">
        <span className={`badge ${peak ? 'badge-peak' : 'badge-off'}`} data-testid="prediction">
          {prediction.label}
        </span>
      </p>
      <div className="probability">
        <label htmlFor="peak-probability">Probability of this answer</label>
        <meter
          id="peak-probability"
          className={peak ? 'bar bar-peak' : 'bar bar-off'}
          min={0}
          max={1}
          value={probability}
        >
          {(probability * 100).toFixed(1)} %
        </meter>
        <strong data-testid="probability">{probability.toFixed(4)}</strong>
      </div>
    </div>
  )
}
